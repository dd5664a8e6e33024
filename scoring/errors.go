package scoring

import (
	"fmt"
	"strings"
)

// Problem is one problem found in an index file.
type Problem struct {
	Pos Pos
	// Node is the code of the node the problem is about ("" for file-level
	// problems), so the message can name it.
	Node    string
	Message string
}

func (p Problem) String() string {
	if p.Pos.Line > 0 {
		return fmt.Sprintf("%d:%d: %s", p.Pos.Line, p.Pos.Col, p.Message)
	}
	return p.Message
}

// ValidationError lists every problem of an index file, in file order.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	return b.String()
}
