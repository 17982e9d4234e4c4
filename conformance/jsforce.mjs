// jsforce's conformance checks (docs/conformance.md), run by cmd/sfconform
// against mocksf. jsforce is used exactly as its documentation says; the
// only help it gets is the browser's part of the web-server flow, which
// the runner does through mocksf's real pages for the authorize URL
// jsforce built.
//
// It talks to the runner over stdin/stdout, one line each way:
//   BEGIN <check>           -> GO        (the runner notes where mocksf's journal stands)
//   AUTHORIZE <url>         -> CALLBACK <url> | ERROR <why>
//   PASS <check>: <detail>  /  FAIL <check>: <why>
//   DONE <checks run>
// Anything else on stdout is jsforce's own noise and shown only with -v.
import { createInterface } from 'node:readline';
import jsforce from 'jsforce';

const { Connection, OAuth2 } = jsforce;

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (cmd/sfconform sets it)`);
  return v;
};
const loginUrl = env('CONFORM_LOGIN_URL');
const instanceUrl = env('CONFORM_INSTANCE_URL');
const clientId = env('CONFORM_CLIENT_ID');
const clientSecret = env('CONFORM_CLIENT_SECRET');
const redirectUri = env('CONFORM_REDIRECT_URI');
const username = env('CONFORM_USERNAME');
const password = env('CONFORM_PASSWORD');
const orgId = env('CONFORM_ORG_ID');
const version = process.env.CONFORM_API_VERSION || '60.0';

// The records these checks make, found again by these names.
const crudName = 'jsforce CRUD Account';
const crudRenamed = 'jsforce CRUD Renamed';
const arrayLastName = 'JsforceArray';
const bulkLastName = 'JsforceBulk';
const seedLeads = 2100; // seed.yaml's generated Leads: more than one page of 2,000
const seedAccounts = 5;

// Lines from the runner, awaited one at a time.
const replies = [];
const waiters = [];
createInterface({ input: process.stdin }).on('line', (line) => {
  const w = waiters.shift();
  if (w) w(line);
  else replies.push(line);
});
const ask = (line) => {
  process.stdout.write(line + '\n');
  return new Promise((resolve) => {
    if (replies.length) resolve(replies.shift());
    else waiters.push(resolve);
  });
};
const oneLine = (s) => String(s).replace(/\s+/g, ' ').trim().slice(0, 300);

class CheckFailure extends Error {}
const expect = (ok, why) => {
  if (!ok) throw new CheckFailure(why);
};
// describeError says what jsforce threw, with Salesforce's errorCode.
const describeError = (e) =>
  [e?.errorCode, e?.name, e?.message].filter((x, i, a) => x && a.indexOf(x) === i).join(': ') || String(e);

let ran = 0;
async function check(name, fn) {
  ran++;
  await ask(`BEGIN ${name}`);
  try {
    const detail = await fn();
    process.stdout.write(`PASS ${name}: ${oneLine(detail ?? 'ok')}\n`);
    return true;
  } catch (e) {
    const why = e instanceof CheckFailure ? e.message : `threw ${describeError(e)}`;
    process.stdout.write(`FAIL ${name}: ${oneLine(why)}\n`);
    return false;
  }
}

// expectRejection runs fn, which must fail, and returns jsforce's error.
async function expectRejection(fn) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new CheckFailure('it succeeded');
}

// control calls mocksf's test-control API (docs/mocksf-control.md).
async function control(method, path, body) {
  const res = await fetch(loginUrl + path, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new CheckFailure(`control ${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : null;
}

const sameId = (a, b) => typeof a === 'string' && typeof b === 'string' && a.slice(0, 15) === b.slice(0, 15);

const newOAuth2 = () => new OAuth2({ loginUrl, clientId, clientSecret, redirectUri, useVerifier: true });

// webServerLogin runs the web-server flow with jsforce's PKCE: jsforce
// builds the authorize URL, the runner does the browser's part, jsforce
// exchanges the code with its own code_verifier.
async function webServerLogin(oauth2) {
  const state = `conform-${Date.now()}`;
  const reply = await ask(`AUTHORIZE ${oauth2.getAuthorizationUrl({ state })}`);
  if (!reply.startsWith('CALLBACK ')) throw new CheckFailure(`the browser part: ${reply.replace(/^ERROR /, '')}`);
  const cb = new URL(reply.slice('CALLBACK '.length));
  if (cb.searchParams.get('error')) {
    throw new CheckFailure(`the callback got ${cb.searchParams.get('error')}: ${cb.searchParams.get('error_description')}`);
  }
  expect(cb.searchParams.get('state') === state, `the callback's state ${cb.searchParams.get('state')} is not ${state}`);
  const conn = new Connection({ oauth2, version });
  const userInfo = await conn.authorize(cb.searchParams.get('code'));
  return { conn, userInfo };
}

let conn;
let oauth2;

await check('jsforce web-server flow (useVerifier: true)', async () => {
  oauth2 = newOAuth2();
  expect(oauth2.codeVerifier?.length === 171, `jsforce's code_verifier is ${oauth2.codeVerifier?.length} characters, not the 171 expected`);
  const got = await webServerLogin(oauth2);
  conn = got.conn;
  expect(sameId(got.userInfo.organizationId, orgId), `organizationId ${got.userInfo.organizationId}; want ${orgId}`);
  expect(conn.accessToken && conn.refreshToken, 'no access or refresh token');
  expect(conn.instanceUrl === instanceUrl, `instanceUrl ${conn.instanceUrl}; want ${instanceUrl}`);
  return `171-character verifier; user ${got.userInfo.id}, org ${got.userInfo.organizationId}`;
});

// Without a connection the rest cannot run; they still count as failures.
const needConn = async (name, fn) =>
  check(name, async () => {
    expect(conn, 'skipped: no connection from the web-server flow');
    return fn();
  });

await needConn('jsforce identity()', async () => {
  const id = await conn.identity();
  expect(id.username?.toLowerCase() === username.toLowerCase(), `username ${id.username}; want ${username}`);
  expect(sameId(id.organization_id, orgId), `organization_id ${id.organization_id}; want ${orgId}`);
  return `${id.username} (${id.display_name})`;
});

await needConn('jsforce describe', async () => {
  const d = await conn.sobject('Account').describe();
  const name = d.fields.find((f) => f.name === 'Name');
  expect(d.name === 'Account' && name?.type === 'string', `name ${d.name}, Name field ${JSON.stringify(name?.type)}`);
  const g = await conn.describeGlobal();
  expect(g.sobjects.some((s) => s.name === 'Lead'), 'describeGlobal lists no Lead');
  return `Account, ${d.fields.length} fields; global ${g.sobjects.length} objects`;
});

await needConn('jsforce query autoFetch', async () => {
  const res = await conn.query('SELECT Id, Name FROM Lead', { autoFetch: true, maxFetch: 10000 });
  const ids = new Set(res.records.map((r) => r.Id));
  expect(res.totalSize === seedLeads && ids.size === seedLeads, `totalSize ${res.totalSize}, ${ids.size} distinct records; want ${seedLeads}`);
  return `${ids.size} Leads over 2 pages`;
});

await needConn('jsforce query autoFetch with Sforce-Query-Options batchSize=200', async () => {
  const res = await conn.query('SELECT Id FROM Lead', {
    autoFetch: true,
    maxFetch: 10000,
    headers: { 'Sforce-Query-Options': 'batchSize=200' },
  });
  const ids = new Set(res.records.map((r) => r.Id));
  expect(ids.size === seedLeads, `${ids.size} distinct records; want ${seedLeads}`);
  return `${ids.size} Leads in pages of 200`;
});

await needConn('jsforce CRUD', async () => {
  const account = conn.sobject('Account');
  const created = await account.create({ Name: crudName, Industry: 'Energy' });
  expect(created.success && created.id, `create: ${JSON.stringify(created)}`);
  const got = await account.retrieve(created.id);
  expect(got.Name === crudName, `retrieve: Name ${got.Name}; want ${crudName}`);
  const updated = await account.update({ Id: created.id, Name: crudRenamed });
  expect(updated.success, `update: ${JSON.stringify(updated)}`);
  const again = await account.retrieve(created.id);
  expect(again.Name === crudRenamed && again.Industry === 'Energy', `after update: ${again.Name}, ${again.Industry}`);
  const deleted = await account.destroy(created.id);
  expect(deleted.success, `destroy: ${JSON.stringify(deleted)}`);
  const e = await expectRejection(() => account.retrieve(created.id));
  expect(['NOT_FOUND', 'ENTITY_IS_DELETED'].includes(e.errorCode), `retrieve after destroy: ${describeError(e)}; want NOT_FOUND or ENTITY_IS_DELETED`);
  return `create, retrieve, update, destroy ${created.id}; then ${e.errorCode}`;
});

await needConn('jsforce create([...]) of an array', async () => {
  const rows = [1, 2, 3].map((i) => ({ FirstName: `Row${i}`, LastName: arrayLastName }));
  const res = await conn.sobject('Contact').create(rows);
  expect(Array.isArray(res) && res.length === 3 && res.every((r) => r.success && r.id), `results ${JSON.stringify(res)}`);
  const q = await conn.query(`SELECT Id, FirstName FROM Contact WHERE LastName = '${arrayLastName}'`);
  expect(q.totalSize === 3, `queried back ${q.totalSize}; want 3`);
  return `3 Contacts: ${res.map((r) => r.id).join(', ')}`;
});

await needConn('jsforce create([...]) with a bad record', async () => {
  // Name is required on Account: one result succeeds, one fails on its own.
  const res = await conn.sobject('Account').create([{ Name: 'jsforce Good Row' }, { Industry: 'Retail' }]);
  expect(Array.isArray(res) && res.length === 2, `results ${JSON.stringify(res)}`);
  expect(res[0].success, `the good record failed: ${JSON.stringify(res[0])}`);
  const code = res[1].errors?.[0]?.statusCode ?? res[1].errors?.[0]?.errorCode;
  expect(!res[1].success && code === 'REQUIRED_FIELD_MISSING', `the record without Name: ${JSON.stringify(res[1])}; want REQUIRED_FIELD_MISSING`);
  return `one created, one ${code}`;
});

await needConn('jsforce bulk2.query', async () => {
  const stream = await conn.bulk2.query('SELECT Id, Name FROM Account', { pollTimeout: 60000, pollInterval: 500 });
  const records = [];
  await new Promise((resolve, reject) => {
    stream.on('record', (r) => records.push(r));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  // The seed's Accounts plus the good row of the check above.
  expect(records.length >= seedAccounts && records.some((r) => r.Name === 'Conformance Seed Account'),
    `${records.length} records: ${JSON.stringify(records.slice(0, 3))}`);
  return `${records.length} Accounts from the CSV results`;
});

await needConn('jsforce bulk2.loadAndWaitForResults', async () => {
  const input = [1, 2, 3, 4].map((i) => ({ FirstName: `Bulk${i}`, LastName: bulkLastName, Email: `bulk${i}@conformance.test` }));
  const res = await conn.bulk2.loadAndWaitForResults({ object: 'Contact', operation: 'insert', input, pollTimeout: 60000, pollInterval: 500 });
  expect(res.successfulResults.length === 4 && res.failedResults.length === 0 && res.unprocessedRecords.length === 0,
    `${res.successfulResults.length} successful, ${res.failedResults.length} failed, ${res.unprocessedRecords.length} unprocessed`);
  expect(res.successfulResults.every((r) => r.sf__Id && r.sf__Created === 'true'), `successful results ${JSON.stringify(res.successfulResults[0])}`);
  const q = await conn.query(`SELECT Id FROM Contact WHERE LastName = '${bulkLastName}'`);
  expect(q.totalSize === 4, `queried back ${q.totalSize}; want 4`);
  return '4 Contacts inserted and queried back';
});

await needConn('jsforce bulk2.query of an unknown object', async () => {
  const e = await expectRejection(async () => {
    const s = await conn.bulk2.query('SELECT Id FROM NoSuchObject__c', { pollTimeout: 30000, pollInterval: 500 });
    await new Promise((resolve, reject) => { s.on('end', resolve); s.on('error', reject); s.resume?.(); });
  });
  expect(/NoSuchObject__c/.test(e.message) && e.errorCode, `${describeError(e)}; want Salesforce's error naming NoSuchObject__c`);
  return describeError(e);
});

await needConn('jsforce query of an unknown object', async () => {
  const e = await expectRejection(() => conn.query('SELECT Id FROM NoSuchObject__c'));
  expect(e.errorCode === 'INVALID_TYPE', `${describeError(e)}; want INVALID_TYPE`);
  return describeError(e);
});

await needConn("jsforce refresh on 401 INVALID_SESSION_ID", async () => {
  let refreshed = null;
  conn.on('refresh', (token) => { refreshed = token; });
  const before = conn.accessToken;
  // As when the session times out: the access token dies, the refresh token lives.
  const r = await control('POST', `/__mocksf/orgs/${orgId}/revoke`, { username, clientId, sessionsOnly: true });
  expect(r.revoked > 0, `the control API revoked ${r.revoked} tokens`);
  const q = await conn.query('SELECT Id FROM Account LIMIT 1');
  expect(q.totalSize >= 1, `after the refresh the query found ${q.totalSize}`);
  expect(refreshed && refreshed !== before && conn.accessToken === refreshed, "jsforce emitted no 'refresh' with a new access token");
  return "401, then 'refresh' and the query retried";
});

await needConn('jsforce revoke', async () => {
  const refreshToken = conn.refreshToken;
  await oauth2.revokeToken(refreshToken);
  const e = await expectRejection(() => oauth2.refreshToken(refreshToken));
  expect(e.name === 'invalid_grant', `refresh after revoke: ${describeError(e)}; want invalid_grant`);
  // Revoking a refresh token revokes the access tokens issued from it.
  const fresh = new Connection({ instanceUrl, accessToken: conn.accessToken, version });
  const q = await expectRejection(() => fresh.query('SELECT Id FROM Account LIMIT 1'));
  expect(q.errorCode === 'INVALID_SESSION_ID', `the access token after revoke: ${describeError(q)}; want INVALID_SESSION_ID`);
  return `refresh ${e.name}, access token ${q.errorCode}`;
});

await check('jsforce authorize() with a bad code', async () => {
  const c = new Connection({ oauth2: newOAuth2(), version });
  const e = await expectRejection(() => c.authorize('not-a-real-code'));
  expect(e.name === 'invalid_grant' && /authentication failure|expired|invalid/i.test(e.message),
    `${describeError(e)}; want invalid_grant`);
  return describeError(e);
});

// SOAP login() is how many libraries log in first; Salesforce wants the
// user's security token after the password from outside trusted IPs.
await check('jsforce login() (SOAP)', async () => {
  const org = await control('GET', `/__mocksf/orgs/${orgId}`);
  const user = org.users.find((u) => u.username.toLowerCase() === username.toLowerCase());
  expect(user?.securityToken, `no securityToken for ${username} in GET /__mocksf/orgs/${orgId}`);
  const c = new Connection({ loginUrl, version });
  const info = await c.login(username, password + user.securityToken);
  expect(sameId(info.organizationId, orgId) && c.accessToken, `userInfo ${JSON.stringify(info)}`);
  const q = await c.query('SELECT Id FROM Account LIMIT 1');
  expect(q.totalSize >= 1, `the SOAP session's query found ${q.totalSize}`);
  return `session usable on ${c.instanceUrl}`;
});

await check('jsforce login() (SOAP) without the security token', async () => {
  const c = new Connection({ loginUrl, version });
  const e = await expectRejection(() => c.login(username, password));
  expect(/LOGIN_MUST_USE_SECURITY_TOKEN/.test(`${e.name} ${e.errorCode} ${e.message}`),
    `${describeError(e)}; want LOGIN_MUST_USE_SECURITY_TOKEN`);
  return describeError(e);
});

await check('jsforce login() (SOAP) with a wrong password', async () => {
  const c = new Connection({ loginUrl, version });
  const e = await expectRejection(() => c.login(username, 'wrong-password'));
  expect(/INVALID_LOGIN/.test(`${e.name} ${e.errorCode} ${e.message}`) && /Invalid username, password, security token; or user locked out/.test(e.message),
    `${describeError(e)}; want INVALID_LOGIN: Invalid username, password, security token; or user locked out.`);
  return describeError(e);
});

process.stdout.write(`DONE ${ran}\n`);
process.exit(0);
