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

// Schema returns the CREATE statements of the database, by type and name.
func (db *DB) Schema() (string, error) {
	rows, err := db.read.Query("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type DESC, name")
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var out string
	for rows.Next() {
		var typ, name, sql string
		if err := rows.Scan(&typ, &name, &sql); err != nil {
			return "", err
		}
		out += sql + ";\n\n"
	}
	return out, rows.Err()
}
