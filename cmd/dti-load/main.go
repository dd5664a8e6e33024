package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"
)

// Bounds of the flags: the command must stay a short, local measurement.
const (
	maxDuration = 5 * time.Minute
	maxClients  = 1024
	maxEditors  = 1000
)

// config is the command line.
type config struct {
	Index        string
	Duration     time.Duration
	Clients      int
	Editors      int
	Think        time.Duration
	MaxRequests  int
	Phases       string
	Check        bool
	Seed         uint64
	CPUProfile   string
	BlockProfile string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// parseConfig reads the flags; every problem names its flag.
func parseConfig(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("dti-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Index, "index", "indicators.yaml", "index file the demo periods pin")
	fs.DurationVar(&c.Duration, "duration", 10*time.Second, "length of each phase (at most 5m)")
	fs.IntVar(&c.Clients, "clients", 64, "concurrent clients reading the ranking page")
	fs.IntVar(&c.Editors, "editors", 100, "concurrent editors saving their own form")
	fs.DurationVar(&c.Think, "think", 0, "mean pause of each editor between two saves, varied by ±50% (0: save again at once)")
	fs.IntVar(&c.MaxRequests, "max-requests", 2_000_000, "stop a phase after this many requests")
	fs.StringVar(&c.Phases, "phases", "ranking,autosave", "phases to run: ranking, autosave or both, comma-separated")
	fs.BoolVar(&c.Check, "check", false, "exit with status 1 when a target is missed")
	fs.Uint64Var(&c.Seed, "seed", 2026, "seed of the demo data")
	fs.StringVar(&c.CPUProfile, "cpuprofile", "", "write a CPU profile of the phases to this file (go tool pprof)")
	fs.StringVar(&c.BlockProfile, "blockprofile", "", "write a profile of where goroutines waited (locks, channels) during the phases to this file")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	var problems []error
	bad := func(format string, a ...any) { problems = append(problems, fmt.Errorf(format, a...)) }
	if fs.NArg() > 0 {
		bad("unexpected argument %q", fs.Arg(0))
	}
	if c.Duration < 100*time.Millisecond || c.Duration > maxDuration {
		bad("-duration: %s is outside 100ms..%s", c.Duration, maxDuration)
	}
	if c.Clients < 1 || c.Clients > maxClients {
		bad("-clients: %d is outside 1..%d", c.Clients, maxClients)
	}
	if c.Editors < 1 || c.Editors > maxEditors {
		bad("-editors: %d is outside 1..%d", c.Editors, maxEditors)
	}
	if c.Think < 0 || c.Think > time.Minute {
		bad("-think: %s is outside 0..1m", c.Think)
	}
	if c.MaxRequests < 1 {
		bad("-max-requests: %d must be at least 1", c.MaxRequests)
	}
	if _, err := parsePhases(c.Phases); err != nil {
		bad("-phases: %v", err)
	}
	if c.Index == "" {
		bad("-index: must not be empty")
	}
	return c, errors.Join(problems...)
}

// run is the whole command; it returns the exit status: 0 done (and every
// target met with -check), 1 a failure or a missed target, 2 bad flags.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseConfig(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "dti-load: %v\n", err)
		return 2
	}
	src, err := os.ReadFile(cfg.Index)
	if err != nil {
		fmt.Fprintf(stderr, "dti-load: -index: %v (run from the repository root or pass -index)\n", err)
		return 2
	}
	phases, _ := parsePhases(cfg.Phases)

	dir, err := os.MkdirTemp("", "dti-load-")
	if err != nil {
		fmt.Fprintf(stderr, "dti-load: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)

	start := time.Now()
	env, err := setup(ctx, dir, src, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "dti-load: setup: %v\n", err)
		return 1
	}
	defer env.close()
	fmt.Fprintf(stdout, "dti-load: server on %s, demo province of %d units, published period %s, %d editors in period %s (setup %s)\n",
		env.base, env.units, env.published, len(env.editors), env.current, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(stdout, "machine: %d CPUs, GOMAXPROCS %d, load average %s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), loadAverage())

	if cfg.CPUProfile != "" {
		f, err := os.Create(cfg.CPUProfile)
		if err != nil {
			fmt.Fprintf(stderr, "dti-load: -cpuprofile: %v\n", err)
			return 2
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "dti-load: -cpuprofile: %v\n", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}

	if cfg.BlockProfile != "" {
		// Every blocking event of 100µs or more is sampled.
		runtime.SetBlockProfileRate(int(100 * time.Microsecond))
		defer func() {
			runtime.SetBlockProfileRate(0)
			if err := writeProfile("block", cfg.BlockProfile); err != nil {
				fmt.Fprintf(stderr, "dti-load: -blockprofile: %v\n", err)
			}
		}()
	}

	var results []phaseResult
	for _, p := range phases {
		var r phaseResult
		switch p {
		case phaseRanking:
			r = env.runRanking(ctx, cfg)
		case phaseAutosave:
			r, err = env.runAutosave(ctx, cfg)
			if err != nil {
				fmt.Fprintf(stderr, "dti-load: autosave: %v\n", err)
				return 1
			}
		}
		results = append(results, r)
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "dti-load: interrupted")
			return 1
		}
	}
	writeTable(stdout, results)
	fmt.Fprintf(stdout, "load average after: %s\n", loadAverage())
	misses := checkTargets(results)
	for _, m := range misses {
		fmt.Fprintf(stdout, "target missed: %s\n", m)
	}
	if len(misses) == 0 {
		fmt.Fprintln(stdout, "all targets met")
	}
	for _, r := range results {
		if r.Lost > 0 {
			// A lost save is a failure with or without -check.
			return 1
		}
	}
	if cfg.Check && len(misses) > 0 {
		return 1
	}
	return 0
}

// loadAverage returns the 1, 5 and 15 minute load averages of the machine,
// or "unknown" where /proc/loadavg does not exist.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	var l1, l5, l15 string
	if n, _ := fmt.Sscan(string(b), &l1, &l5, &l15); n != 3 {
		return "unknown"
	}
	return l1 + " " + l5 + " " + l15
}

// writeProfile writes the named runtime profile to a file.
func writeProfile(name, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
