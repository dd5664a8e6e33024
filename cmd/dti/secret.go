package main

import (
	"crypto/rand"
	"encoding/hex"
)

// newSecret returns 32 random bytes in hex.
func newSecret() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b[:])
}
