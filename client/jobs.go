package client

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/sfharness/sfharness/client/salesforce"
	"github.com/sfharness/sfharness/client/store"
	"github.com/sfharness/sfharness/client/syncjob"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// errFieldSyncNotDone is returned when the record sync is asked to start
// before the field sync completed.
var errFieldSyncNotDone = errors.New("client: field sync has not completed")

// errNotConnected is returned when a sync is asked for without a confirmed
// connection.
var errNotConnected = errors.New("client: not connected to Salesforce")

// jobs runs the background work of the confirmed connection (field sync,
// record sync) and token revocations, all bound to the server's lifetime.
type jobs struct {
	store    *store.Store
	hc       *http.Client
	logger   *slog.Logger
	interval time.Duration
	// replicationEvery is syncjob.RecordSync.ReplicationEvery.
	replicationEvery time.Duration
	// retryBackoff and maxBackoff are Config's.
	retryBackoff time.Duration
	maxBackoff   time.Duration
	loginURL     string
	redirectURL  string

	ctx    context.Context // the server's lifetime
	cancel context.CancelFunc
	all    sync.WaitGroup // every goroutine started, for close

	mu        sync.Mutex // guards the fields below
	closed    bool
	api       *salesforce.Client
	apiConn   store.Connection   // the connection api was made for
	connCtx   context.Context    // the current connection's lifetime
	connStop  context.CancelFunc // stops the current connection's jobs
	connGroup *sync.WaitGroup    // the current connection's jobs
}

func newJobs(cfg Config, st *store.Store) *jobs {
	ctx, cancel := context.WithCancel(context.Background())
	return &jobs{
		store:            st,
		hc:               cfg.HTTPClient,
		logger:           cfg.Logger,
		interval:         cfg.SyncInterval,
		replicationEvery: cfg.ReplicationInterval,
		retryBackoff:     cfg.RetryBackoff,
		maxBackoff:       cfg.MaxBackoff,
		loginURL:         cfg.SalesforceURL,
		redirectURL:      cfg.BaseURL + callbackPath,
		ctx:              ctx,
		cancel:           cancel,
		connGroup:        &sync.WaitGroup{},
	}
}

// oauthConfig returns the x/oauth2 configuration for creds.
func (j *jobs) oauthConfig(creds store.Credentials) *oauth2.Config {
	return salesforce.OAuthConfig(j.loginURL, creds.ConsumerKey, creds.ConsumerSecret, j.redirectURL)
}

// clientCredentialsConfig returns the client credentials configuration of
// conn with creds, or nil when conn came from Login with Salesforce.
func clientCredentialsConfig(conn store.Connection, creds store.Credentials) *clientcredentials.Config {
	if conn.Flow != store.FlowClientCredentials {
		return nil
	}
	return salesforce.ClientCredentialsConfig(conn.MyDomainURL, creds.ConsumerKey, creds.ConsumerSecret)
}

// newAPI returns the REST client of conn, which stores refreshed tokens. A
// client credentials connection renews its access token with that flow.
func (j *jobs) newAPI(conn store.Connection, creds store.Credentials) *salesforce.Client {
	return salesforce.NewClient(salesforce.Config{
		HTTPClient:        j.hc,
		RetryBackoff:      j.retryBackoff,
		OAuth:             j.oauthConfig(creds),
		ClientCredentials: clientCredentialsConfig(conn, creds),
		InstanceURL:       conn.InstanceURL,
		Token:             conn.Token,
		OnRefresh: func(prev, next *oauth2.Token) {
			j.logger.Info("salesforce access token refreshed")
			if err := j.store.UpdateToken(prev, next, salesforce.Details(next).InstanceURL); err != nil {
				j.logger.Error("cannot store the refreshed token", "err", err)
			}
		},
	})
}

// connect makes conn the active connection and starts its field sync,
// after stopping the jobs of any earlier connection.
func (j *jobs) connect(conn store.Connection, creds store.Credentials) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.stopConnectionLocked()
	if err := j.store.Connect(conn, syncjob.Objects); err != nil {
		return err
	}
	j.startConnectionLocked(conn, creds)
	j.startFieldSyncLocked()
	return nil
}

// credentialsChanged makes the active connection refresh its tokens with
// the connected app's new credentials.
func (j *jobs) credentialsChanged(creds store.Credentials) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.api != nil {
		j.api.SetOAuth(j.oauthConfig(creds))
		if cc := clientCredentialsConfig(j.apiConn, creds); cc != nil {
			j.api.SetClientCredentials(cc)
		}
	}
}

// resume restarts the jobs of the stored connection after a restart: the
// field sync if it had not finished (or failed: the cause may be gone), and
// the record sync if it was running, from its saved cursors.
func (j *jobs) resume() {
	conn, ok := j.store.Connection()
	if !ok {
		return
	}
	creds, _ := j.store.Credentials()
	j.mu.Lock()
	defer j.mu.Unlock()
	j.startConnectionLocked(conn, creds)
	if !j.store.FieldSyncDone() {
		j.logger.Info("resuming the field sync")
		j.startFieldSyncLocked()
	}
	if j.store.RecordSync().State.Active() {
		j.logger.Info("resuming the record sync")
		j.runRecordSyncLocked()
	}
}

// startConnectionLocked makes conn's REST client and lifetime current;
// j.mu is held.
func (j *jobs) startConnectionLocked(conn store.Connection, creds store.Credentials) {
	j.api, j.apiConn = j.newAPI(conn, creds), conn
	j.connCtx, j.connStop = context.WithCancel(j.ctx)
}

// startFieldSyncLocked runs the field sync; j.mu is held.
func (j *jobs) startFieldSyncLocked() {
	ctx, api := j.connCtx, j.api
	j.goConnection(func() {
		fs := &syncjob.FieldSync{API: api, Store: j.store, Logger: j.logger, RetryBase: 2 * j.retryBackoff, MaxBackoff: j.maxBackoff}
		if err := fs.Run(ctx); err != nil && ctx.Err() == nil {
			j.logger.Warn("field sync stopped", "err", err)
		}
	})
}

// startRecordSync starts the record sync of the active connection unless
// it is already running.
func (j *jobs) startRecordSync() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.api == nil {
		return errNotConnected
	}
	if !j.store.FieldSyncDone() {
		return errFieldSyncNotDone
	}
	started, err := j.store.StartRecordSync()
	if err != nil || !started {
		return err
	}
	j.runRecordSyncLocked()
	return nil
}

// runRecordSyncLocked runs the record sync loop; j.mu is held.
func (j *jobs) runRecordSyncLocked() {
	rs := &syncjob.RecordSync{
		API: j.api, Store: j.store, Interval: j.interval, ReplicationEvery: j.replicationEvery,
		MaxBackoff: j.maxBackoff, Logger: j.logger,
	}
	ctx := j.connCtx
	j.goConnection(func() { rs.Run(ctx) })
}

// disconnect stops the connection's jobs, forgets the connection and
// revokes its refresh token at Salesforce. ok is false when there was no
// connection; revokeErr is why the revocation failed, if it did.
func (j *jobs) disconnect(ctx context.Context) (ok bool, revokeErr, err error) {
	j.mu.Lock()
	j.stopConnectionLocked()
	conn, ok, err := j.store.Disconnect()
	j.mu.Unlock()
	if err != nil || !ok {
		return ok, nil, err
	}
	token := revocableToken(conn)
	if token == "" {
		return true, nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := salesforce.Revoke(ctx, j.hc, j.revokeURL(conn), token); err != nil {
		j.logger.Warn("token revocation failed", "err", err)
		return true, err, nil
	}
	j.logger.Info("salesforce token revoked")
	return true, nil, nil
}

// revokeURL is the host that revokes conn's tokens: the My Domain that
// issued a client credentials connection's, else the login host.
func (j *jobs) revokeURL(conn store.Connection) string {
	if conn.Flow == store.FlowClientCredentials && conn.MyDomainURL != "" {
		return conn.MyDomainURL
	}
	return j.loginURL
}

// revoke revokes conn's tokens in the background (see revocableToken);
// failures are logged only.
func (j *jobs) revoke(conn store.Connection) {
	token, at := revocableToken(conn), j.revokeURL(conn)
	if token == "" {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return
	}
	j.all.Add(1)
	go func() {
		defer j.all.Done()
		// Not cancelled by close, which waits for it: a shutdown right
		// after a cancelled login must not leave its token valid in
		// Salesforce (it was cancelled mid-request under load before).
		ctx, cancel := context.WithTimeout(context.WithoutCancel(j.ctx), 15*time.Second)
		defer cancel()
		if err := salesforce.Revoke(ctx, j.hc, at, token); err != nil {
			j.logger.Warn("token revocation failed", "err", err)
			return
		}
		j.logger.Info("salesforce token revoked")
	}()
}

// close stops every job and waits for them.
func (j *jobs) close() {
	j.mu.Lock()
	j.closed = true
	j.mu.Unlock()
	j.cancel()
	j.all.Wait()
}

// goConnection runs f as a job of the current connection; j.mu is held.
func (j *jobs) goConnection(f func()) {
	if j.closed {
		return
	}
	g := j.connGroup
	g.Add(1)
	j.all.Add(1)
	go func() {
		defer j.all.Done()
		defer g.Done()
		f()
	}()
}

// stopConnectionLocked stops the current connection's jobs and waits for
// them, so that none writes to the store after the next connection took
// over; j.mu is held.
func (j *jobs) stopConnectionLocked() {
	if j.connStop != nil {
		j.connStop()
	}
	j.connGroup.Wait()
	j.connGroup = &sync.WaitGroup{}
	j.connCtx, j.connStop = nil, nil
	j.api, j.apiConn = nil, store.Connection{}
}
