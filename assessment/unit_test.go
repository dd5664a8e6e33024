package assessment

import (
	"fmt"
	"testing"
)

func TestUnitTree(t *testing.T) {
	units := []*Unit{
		{ID: 1, Code: "H-CP"},
		{ID: 2, Code: "X-B", ParentID: 1},
		{ID: 3, Code: "X-A", ParentID: 1},
		{ID: 4, Code: "T-1", ParentID: 3},
		{ID: 5, Code: "SO-TC"},
		// A cycle in bad data must not hang the walks.
		{ID: 6, Code: "C-1", ParentID: 7},
		{ID: 7, Code: "C-2", ParentID: 6},
	}
	tr := NewUnitTree(units)
	tests := []struct {
		name string
		got  any
		want string
	}{
		{"ancestors of hamlet", tr.Ancestors(4), "[3 1]"},
		{"ancestors of top", tr.Ancestors(5), "[]"},
		{"ancestors in a cycle", tr.Ancestors(6), "[7]"},
		{"children in code order", tr.Children(1), "[3 2]"},
		{"top level", tr.Children(0), "[1 5]"},
		{"descendants depth first", tr.Descendants(1), "[3 4 2]"},
		{"within", tr.IsWithin(4, 1), "true"},
		{"self within", tr.IsWithin(1, 1), "true"},
		{"not within", tr.IsWithin(5, 1), "false"},
	}
	for _, tt := range tests {
		if got := fmt.Sprint(tt.got); got != tt.want {
			t.Errorf("%s = %s; want %s", tt.name, got, tt.want)
		}
	}
}

func TestUnit_Validate(t *testing.T) {
	tests := []struct {
		name string
		u    Unit
		want string // first field, "" for valid
	}{
		{"ok", Unit{Code: "SO-TC", NameVI: "Sở Tài chính", Type: "department"}, ""},
		{"code with space", Unit{Code: "SO TC", NameVI: "x", Type: "department"}, "code"},
		{"empty name", Unit{Code: "A", NameVI: "  ", Type: "department"}, "name_vi"},
		{"no type", Unit{Code: "A", NameVI: "x"}, "type"},
		{"own parent", Unit{ID: 3, ParentID: 3, Code: "A", NameVI: "x", Type: "t"}, "parent_id"},
		{"escape in name", Unit{Code: "A", NameVI: "Sở\x1b[31m", Type: "t"}, "name_vi"},
		{"invalid UTF-8", Unit{Code: "A", NameVI: "S\xff", Type: "t"}, "name_vi"},
		{"bad attr", Unit{Code: "A", NameVI: "x", Type: "t", Attrs: map[string]string{"a b": "1"}}, "attrs"},
	}
	for _, tt := range tests {
		err := tt.u.Validate()
		got := ""
		if v, ok := err.(*ValidationError); ok {
			got = v.Fields[0].Field
		}
		if got != tt.want {
			t.Errorf("%s: Validate() = %v; want field %q", tt.name, err, tt.want)
		}
	}
}
