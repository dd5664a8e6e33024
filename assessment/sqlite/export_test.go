package sqlite

// Migrations exposes the migration list to tests.
func Migrations() ([]string, error) {
	ms, err := migrations()
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.name
	}
	return names, err
}
