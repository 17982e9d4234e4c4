package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// config is what the flags say.
type config struct {
	mocksfAddr, clientAddr string
	bin                    string // where mocksf and client are
	db                     string // the client's database; "" for a temporary one
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	if len(args) > 0 {
		args = args[1:]
	}
	fs := flag.NewFlagSet("sfrun", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.mocksfAddr, "mocksf-addr", "127.0.0.1:8080", "`address` mocksf listens on (make run's MOCKSF_ADDR)")
	fs.StringVar(&c.clientAddr, "client-addr", "127.0.0.1:9000", "`address` the client listens on (make run's CLIENT_ADDR)")
	fs.StringVar(&c.bin, "bin", "bin", "`DIR` of the mocksf and client binaries (make build)")
	fs.StringVar(&c.db, "db", "", "the client's database `FILE` (make run KEEP=1: .run/beacon.db); empty: a temporary one, removed on exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, err
		}
		return c, fmt.Errorf("sfrun: %w", err)
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("sfrun: unexpected arguments %q", fs.Args())
	}
	return c, nil
}

// stopWait is how long a program may take to stop after SIGINT before it
// is killed: both drain their requests for up to 10 seconds.
const stopWait = 15 * time.Second

// program is one started binary.
type program struct {
	name  string
	cmd   *exec.Cmd
	url   string        // from its "NAME listening on URL" line
	done  chan error    // its exit, put back by whoever reads it
	ready chan struct{} // closed once url is known
}

// supervise checks the ports, starts mocksf, then the client pointed at
// it, and waits.
func supervise(ctx context.Context, c config, stdout, stderr io.Writer) error {
	for _, p := range []struct{ variable, addr string }{{"MOCKSF_ADDR", c.mocksfAddr}, {"CLIENT_ADDR", c.clientAddr}} {
		if err := checkFree(p.variable, p.addr); err != nil {
			return err
		}
	}
	mocksf, err := start(ctx, "mocksf", filepath.Join(c.bin, "mocksf"), stdout, stderr, "-addr", c.mocksfAddr)
	if err != nil {
		return err
	}
	running := []*program{mocksf}
	defer func() { stopAll(running, stdout) }()
	if err := mocksf.await(ctx); err != nil || ctx.Err() != nil {
		return err
	}
	client, err := start(ctx, "client", filepath.Join(c.bin, "client"), stdout, stderr,
		"-addr", c.clientAddr, "-salesforce", mocksf.url, "-db", c.db)
	if err != nil {
		return err
	}
	running = append(running, client)
	if err := client.await(ctx); err != nil || ctx.Err() != nil {
		return err
	}
	fmt.Fprintf(stdout, "mocksf: %s/ (admin@acme.test / Admin-Pass-1, sync@acme.test / Sync-Pass-1)\n", mocksf.url)
	fmt.Fprintf(stdout, "client: %s/admin  (codes: %s/__mocksf/mail)\n", client.url, mocksf.url)
	fmt.Fprintln(stdout, "Ctrl-C stops both.")
	select {
	case <-ctx.Done():
		return nil
	case err := <-mocksf.done:
		mocksf.done <- err
		return fmt.Errorf("mocksf stopped by itself (%v); stopping the client", exitText(err))
	case err := <-client.done:
		client.done <- err
		return fmt.Errorf("the client stopped by itself (%v); stopping mocksf", exitText(err))
	}
}

// checkFree fails when something listens on addr already, naming the
// variable that moves it.
func checkFree(variable, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s=%s cannot be used (%v): stop what listens there, or choose another port, as make run %s=127.0.0.1:PORT",
			variable, addr, errors.Unwrap(err), variable)
	}
	return ln.Close()
}

// start runs the binary in a process group of its own, so a Ctrl-C in
// the terminal reaches sfrun alone and each program is stopped once, by
// its PID. Its output goes to ours; its "NAME listening on URL" line gives
// its URL.
func start(ctx context.Context, name, path string, stdout, stderr io.Writer, args ...string) (*program, error) {
	cmd := exec.Command(path, args...)
	cmd.Stderr = stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s (make build makes it): %w", name, err)
	}
	p := &program{name: name, cmd: cmd, done: make(chan error, 1), ready: make(chan struct{})}
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		prefix := name + " listening on "
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(stdout, line)
			if u, ok := strings.CutPrefix(line, prefix); ok && p.url == "" {
				p.url = u
				close(p.ready)
			}
		}
		_, _ = io.Copy(stdout, out)
	}()
	go func() {
		<-copied // Wait closes the pipe: read it all first
		p.done <- cmd.Wait()
	}()
	return p, nil
}

// await waits for the program's listening line.
func (p *program) await(ctx context.Context) error {
	select {
	case <-p.ready:
		return nil
	case err := <-p.done:
		p.done <- err
		return fmt.Errorf("%s did not start (%v): its messages are above", p.name, exitText(err))
	case <-ctx.Done():
		return nil
	}
}

// stopAll stops the running programs, newest first, each by SIGINT to its
// PID, then SIGKILL after stopWait.
func stopAll(running []*program, stdout io.Writer) {
	for i := len(running) - 1; i >= 0; i-- {
		p := running[i]
		select {
		case err := <-p.done:
			p.done <- err
			continue // stopped already
		default:
		}
		_ = p.cmd.Process.Signal(os.Interrupt)
		select {
		case err := <-p.done:
			p.done <- err
		case <-time.After(stopWait):
			_ = p.cmd.Process.Kill()
			p.done <- <-p.done
		}
		fmt.Fprintf(stdout, "stopped %s (pid %d)\n", p.name, p.cmd.Process.Pid)
	}
}

func exitText(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}
