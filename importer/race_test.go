//go:build race

package importer

// raceEnabled says the race detector is on: it slows yaml.v3's parser about tenfold,
// so the time limits of tests are ten times longer.
const raceEnabled = true
