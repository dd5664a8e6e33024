package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/assessment/sqlite"
	"github.com/dti-platform/dti/reports"
	"github.com/dti-platform/dti/scoring"
)

func init() {
	register(command{
		name:    "import",
		usage:   "dti import units|users|values --db FILE --file F [--period CODE] [--apply]",
		summary: "preview (and with --apply write) units, users or central values from CSV or Excel",
		run:     runImport,
	})
}

// runImport previews an import file and, with --apply, writes it. It exits
// with status 1 when the file has problems (nothing is written).
func runImport(ctx context.Context, env *cmdEnv, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(env.stderr, "dti import: say what to import: units, users or values")
		return exitError{2}
	}
	kind := assessment.ImportKind(args[0])
	if kind != assessment.ImportUnits && kind != assessment.ImportUsers && kind != assessment.ImportValues {
		fmt.Fprintf(env.stderr, "dti import: unknown kind %q (units, users or values)\n", args[0])
		return exitError{2}
	}
	fs := flag.NewFlagSet("import "+args[0], flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	dbPath := fs.String("db", env.getenv("DTI_DB"), "database file (env DTI_DB)")
	file := fs.String("file", "", "CSV (UTF-8) or Excel (.xlsx) file to import")
	periodCode := fs.String("period", "", "values: code of the period the values belong to")
	source := fs.String("source", string(scoring.SourceSecretariat), "values: where they come from: system, secretariat or survey")
	reason := fs.String("reason", "", "values: note kept in the audit log (default: the file name)")
	indexPath := fs.String("index", env.getenv("DTI_INDEX"), "units, users: index file to check unit types, blocks and pillars against (env DTI_INDEX)")
	apply := fs.Bool("apply", false, "write the changes (default: preview only)")
	lang := fs.String("lang", "vi", "language of messages: vi or en")
	if err := fs.Parse(args[1:]); err != nil {
		return exitError{2}
	}
	switch {
	case *dbPath == "":
		fmt.Fprintln(env.stderr, "dti import: --db is required (or set DTI_DB)")
		return exitError{2}
	case *file == "":
		fmt.Fprintln(env.stderr, "dti import: --file is required")
		return exitError{2}
	case kind == assessment.ImportValues && *periodCode == "":
		fmt.Fprintln(env.stderr, "dti import values: --period is required")
		return exitError{2}
	case *lang != "vi" && *lang != "en":
		fmt.Fprintln(env.stderr, "dti import: --lang must be vi or en")
		return exitError{2}
	case fs.NArg() > 0:
		fmt.Fprintf(env.stderr, "dti import: unexpected argument %q\n", fs.Arg(0))
		return exitError{2}
	}
	if _, err := os.Stat(*dbPath); err != nil {
		fmt.Fprintf(env.stderr, "dti import: database %s does not exist\n", *dbPath)
		return exitError{1}
	}
	db, err := sqlite.Open(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()

	f, err := os.Open(*file)
	if err != nil {
		fmt.Fprintf(env.stderr, "dti import: %v\n", err)
		return exitError{1}
	}
	defer f.Close()
	table, err := assessment.ReadTable(filepath.Base(*file), f, reports.ReadSheetRows)
	if err != nil {
		fmt.Fprintf(env.stderr, "dti import: %s: %s\n", *file, assessment.ErrorMessage(err, *lang))
		return exitError{1}
	}

	im := &assessment.Importer{Store: db, Actor: assessment.SystemActor, Reason: *reason}
	if im.Reason == "" {
		im.Reason = "dti import " + string(kind) + " " + filepath.Base(*file)
	}
	var preview *assessment.ImportPreview
	switch kind {
	case assessment.ImportUnits, assessment.ImportUsers:
		if *indexPath != "" {
			ix, err := importIndexFile(*indexPath)
			if err != nil {
				fmt.Fprintf(env.stderr, "dti import: %v\n", err)
				return exitError{1}
			}
			im.Index = ix
		}
		if kind == assessment.ImportUnits {
			preview, err = im.PreviewUnits(ctx, table)
		} else {
			preview, err = im.PreviewUsers(ctx, table)
		}
	case assessment.ImportValues:
		p, err := db.FindPeriodByCode(ctx, *periodCode)
		if errors.Is(err, assessment.ErrNotFound) {
			fmt.Fprintf(env.stderr, "dti import: there is no period %q\n", *periodCode)
			return exitError{1}
		} else if err != nil {
			return err
		}
		ix, err := assessment.PeriodIndex(p)
		if err != nil {
			fmt.Fprintf(env.stderr, "dti import: %s\n", assessment.ErrorMessage(err, *lang))
			return exitError{1}
		}
		preview, err = im.PreviewValues(ctx, p, ix, scoring.Source(*source), table)
		if err != nil {
			return err
		}
	}
	if err != nil {
		return err
	}
	printPreview(env.stdout, preview, *lang)
	if !preview.OK() {
		fmt.Fprintf(env.stderr, "dti import: %d %s\n", len(preview.Issues), importText(*lang, "lỗi; không ghi gì", "problems; nothing written"))
		return exitError{1}
	}
	if !*apply {
		fmt.Fprintln(env.stdout, importText(*lang, "Chỉ xem trước; chạy lại với --apply để ghi.", "Preview only; run again with --apply to write."))
		return nil
	}
	res, err := im.Apply(ctx, preview)
	if err != nil {
		fmt.Fprintf(env.stderr, "dti import: %s\n", assessment.ErrorMessage(err, *lang))
		return exitError{1}
	}
	if kind == assessment.ImportValues {
		fmt.Fprintf(env.stdout, "%s: %d\n", importText(*lang, "Đã ghi giá trị", "Values written"), res.Values)
	} else {
		fmt.Fprintf(env.stdout, "%s %d, %s %d, %s %d\n", importText(*lang, "Đã tạo", "Created"), res.Created,
			importText(*lang, "cập nhật", "updated"), res.Updated, importText(*lang, "không đổi", "unchanged"), res.Unchanged)
	}
	if len(res.Passwords) > 0 {
		fmt.Fprintln(env.stdout, importText(*lang, "Mật khẩu ban đầu (chỉ hiện một lần; phải đổi khi đăng nhập lần đầu):",
			"Initial passwords (shown once; to be changed at the first sign-in):"))
		names := make([]string, 0, len(res.Passwords))
		for n := range res.Passwords {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			fmt.Fprintf(env.stdout, "  %-32s %s\n", n, res.Passwords[n])
		}
	}
	return nil
}

// printPreview writes what an import would do and what is wrong.
func printPreview(w io.Writer, p *assessment.ImportPreview, lang string) {
	fmt.Fprintf(w, "%s: %d %s, %d %s, %d %s\n", importText(lang, "Xem trước", "Preview"),
		p.Count(assessment.OpCreate), importText(lang, "tạo mới", "to create"),
		p.Count(assessment.OpUpdate), importText(lang, "cập nhật", "to update"),
		p.Count(assessment.OpUnchanged), importText(lang, "không đổi", "unchanged"))
	for _, c := range p.Changes {
		if c.Op == assessment.OpUnchanged {
			continue
		}
		var parts []string
		for _, f := range c.Fields {
			if f.From == "" {
				parts = append(parts, fmt.Sprintf("%s=%q", f.Field, f.To))
			} else {
				parts = append(parts, fmt.Sprintf("%s: %q → %q", f.Field, f.From, f.To))
			}
		}
		fmt.Fprintf(w, "  %5d  %-9s %s  %s\n", c.Line, c.Op, printable(c.Key), strings.Join(parts, ", "))
	}
	for _, i := range p.Issues {
		fmt.Fprintf(w, "  %s: %s\n", importText(lang, "LỖI", "ERROR"), printable(i.Message(lang)))
	}
}

// printable replaces control characters (terminal escape sequences in a
// hostile file) with U+FFFD before text goes to a terminal.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}

// importIndexFile reads and validates an index file.
func importIndexFile(path string) (*scoring.Index, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	ix, err := scoring.ParseIndex(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ix, nil
}

// importText picks the Vietnamese or English text.
func importText(lang, vi, en string) string {
	if lang == "en" {
		return en
	}
	return vi
}
