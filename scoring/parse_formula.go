package scoring

// This file compiles formulas (method formula and value: {formula}) with
// expr-lang at load time, so a syntax error or an unknown name is reported
// with its position in the YAML file, and evaluates them.

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
	"go.yaml.in/yaml/v4"
)

// maxFormulaLen bounds a formula's length; index formulas are one-liners.
const maxFormulaLen = 4096

// formulaEnv returns the typed variables a formula of nd may use: boolean
// inputs are bool, count/number/percent float64, multi_choice []string, the
// rest string.
func formulaEnv(nd *Node) map[string]any {
	env := make(map[string]any, len(nd.Inputs))
	for _, in := range nd.Inputs {
		switch in.Type {
		case InputBoolean:
			env[in.Key] = false
		case InputCount, InputNumber, InputPercent:
			env[in.Key] = 0.0
		case InputMultiChoice:
			env[in.Key] = []string{}
		default:
			env[in.Key] = ""
		}
	}
	return env
}

// compileFormula compiles the formula in scalar v against nd's inputs.
func (p *parser) compileFormula(v *yaml.Node, w where, nd *Node) *Formula {
	text := strings.TrimSpace(v.Value)
	fm := &Formula{Text: text, Pos: Pos{v.Line, v.Column}}
	if text == "" {
		p.add(v, w.code, "%s: formula is empty", w.prefix)
		return nil
	}
	if len(text) > maxFormulaLen {
		p.add(v, w.code, "%s: formula is longer than %d characters", w.prefix, maxFormulaLen)
		return nil
	}
	env := formulaEnv(nd)
	prog, err := expr.Compile(v.Value, expr.Env(env))
	if err != nil {
		p.formulaError(v, w, err, env)
		return nil
	}
	switch prog.Node().Type().Kind() {
	case reflect.Bool, reflect.Interface, reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
	default:
		p.add(v, w.code, "%s: formula must give a number or true/false, but gives %s", w.prefix, prog.Node().Type())
		return nil
	}
	fm.program = prog
	seen := map[string]bool{}
	node := prog.Node()
	ast.Walk(&node, identVisitor(func(name string) {
		if _, ok := env[name]; ok && !seen[name] {
			seen[name] = true
			fm.Inputs = append(fm.Inputs, name)
		}
	}))
	sort.Strings(fm.Inputs)
	return fm
}

// identVisitor calls its function with every identifier of an expression.
type identVisitor func(string)

func (f identVisitor) Visit(n *ast.Node) {
	if id, ok := (*n).(*ast.IdentifierNode); ok {
		f(id.Value)
	}
}

// formulaError reports a compile error at its position inside the file:
// the formula's own position plus the error's offset in the formula.
func (p *parser) formulaError(v *yaml.Node, w where, err error, env map[string]any) {
	var fe *file.Error
	if !errors.As(err, &fe) {
		p.add(v, w.code, "%s: formula: %v", w.prefix, err)
		return
	}
	msg := fe.Message
	if name, ok := strings.CutPrefix(msg, "unknown name "); ok {
		keys := make([]string, 0, len(env))
		for k := range env {
			keys = append(keys, k)
		}
		msg = fmt.Sprintf("formula refers to %q, which is not an input of the indicator%s", name, p.didYouMean(name, keys))
	} else {
		msg = "formula: " + msg
	}
	pos := Pos{v.Line, v.Column}
	switch v.Style {
	case yaml.LiteralStyle, yaml.FoldedStyle:
		// The text starts on the line after the indicator (| or >), its
		// lines stripped of the indentation of the first one.
		pos.Line = v.Line + max(fe.Line, 1)
		pos.Col = p.indentOf(v.Line+1) + fe.Column + 1
	default:
		quote := 0
		if v.Style == yaml.DoubleQuotedStyle || v.Style == yaml.SingleQuotedStyle {
			quote = 1
		}
		if fe.Line > 1 {
			pos.Line = v.Line + fe.Line - 1
			pos.Col = p.indentOf(pos.Line) + fe.Column + 1
		} else {
			pos.Col = v.Column + quote + fe.Column
		}
	}
	p.push(Problem{Pos: pos, Node: w.code, Message: w.prefix + ": " + msg})
}

// indentOf returns the number of leading spaces of a source line (1-based).
func (p *parser) indentOf(line int) int {
	src := p.ix.Source
	for l := 1; l < line; l++ {
		i := strings.IndexByte(string(src), '\n')
		if i < 0 {
			return 0
		}
		src = src[i+1:]
	}
	n := 0
	for n < len(src) && src[n] == ' ' {
		n++
	}
	return n
}

// Eval runs the formula with env, which maps the keys in Inputs to typed
// values (bool for boolean inputs, float64 for count/number/percent,
// []string for multi_choice, string for the others). A true/false result
// is 1/0. It returns an error when the formula fails at run time (for
// example a missing variable) or gives NaN.
func (f *Formula) Eval(env map[string]any) (float64, error) {
	prog, ok := f.program.(*vm.Program)
	if !ok || prog == nil {
		return 0, fmt.Errorf("formula %q was not compiled", f.Text)
	}
	out, err := expr.Run(prog, env)
	if err != nil {
		return 0, fmt.Errorf("formula %q: %v", f.Text, err)
	}
	var x float64
	switch v := out.(type) {
	case float64:
		x = v
	case float32:
		x = float64(v)
	case int:
		x = float64(v)
	case int64:
		x = float64(v)
	case int32:
		x = float64(v)
	case uint:
		x = float64(v)
	case uint64:
		x = float64(v)
	case bool:
		if v {
			x = 1
		}
	default:
		return 0, fmt.Errorf("formula %q gave %T, not a number", f.Text, out)
	}
	if math.IsNaN(x) {
		return 0, fmt.Errorf("formula %q gave NaN", f.Text)
	}
	return x, nil
}
