package web

import (
	"bytes"
	"encoding/csv"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/reports"
)

// sampleHeaders are the columns of the sample file of each import kind,
// with one example row.
var sampleHeaders = map[string][2][]string{
	string(assessment.ImportUnits): {
		{"code", "name_vi", "name_en", "type", "block", "parent_code", "active"},
		{"X-TANLAC", "Xã Tân Lạc", "Tan Lac Commune", "commune", "", "H-TANLAC", "có"},
	},
	string(assessment.ImportUsers): {
		{"username", "full_name", "email", "lang", "role", "unit_code", "subtree", "pillars", "disabled"},
		{"nguyen.van.a", "Nguyễn Văn A", "a@example.gov.vn", "vi", "unit_editor", "SO-TC", "không", "", "không"},
	},
}

// importSample downloads a CSV file (UTF-8 with a BOM) to fill for an
// import. For values of a period (?period=CODE) it is a wide table: one
// row per active unit of the period's unit types and one column per input
// fed by the secretariat, a central system or a survey.
func (s *Server) importSample(c *fiber.Ctx) error {
	kind, err := importKind(c)
	if err != nil {
		return err
	}
	var rows [][]string
	name := "mau-" + kind + ".csv"
	if kind == string(assessment.ImportValues) {
		ctx := c.UserContext()
		p, err := s.cfg.Store.FindPeriodByCode(ctx, c.Query("period"))
		if err != nil {
			return err
		}
		ix, err := s.periodIndex(ctx, p)
		if err != nil {
			return err
		}
		header := []string{"unit_code"}
		for _, n := range ix.Indicators() {
			for i := range n.Inputs {
				if assessment.InputSource(n, &n.Inputs[i]).ReadOnlyForUnit() {
					header = append(header, n.Code+"/"+n.Inputs[i].Key)
				}
			}
		}
		rows = append(rows, header)
		types := map[string]bool{}
		for _, t := range ix.UnitTypes {
			types[t.Code] = t.Enabled
		}
		active := true
		units, _, err := s.cfg.Store.FindUnits(ctx, assessment.UnitFilter{Active: &active})
		if err != nil {
			return err
		}
		for _, u := range units {
			if types[u.Type] {
				row := make([]string, len(header))
				row[0] = reports.CSVSafe(u.Code)
				rows = append(rows, row)
			}
		}
		name = "mau-so-lieu-" + p.Code + ".csv"
	} else {
		h := sampleHeaders[kind]
		rows = [][]string{h[0], h[1]}
	}
	var buf bytes.Buffer
	buf.WriteString("\xEF\xBB\xBF")
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(rows); err != nil {
		return err
	}
	return sendAttachment(c, reports.ContentTypeCSV, name, "", buf.Bytes())
}
