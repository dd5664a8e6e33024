package sqlite_test

import "strconv"

func formatNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
