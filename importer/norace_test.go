//go:build !race

package importer

// raceEnabled says the race detector is on (see race_test.go).
const raceEnabled = false
