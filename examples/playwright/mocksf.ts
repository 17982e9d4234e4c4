import type { APIRequestContext, APIResponse } from '@playwright/test';

// Types and a client of mocksf's control API, the routes under /__mocksf/
// (docs/mocksf-control.md). Only the fields these tests use are typed.

/** A user of an org, as POST /__mocksf/orgs takes it. */
export interface UserSpec {
  username: string; // an email address, unique across every org of a mocksf
  password: string;
  firstName?: string;
  lastName?: string;
  admin?: boolean;
  apiEnabled?: boolean; // default true
}

/** One entry of the seed file's `orgs`: the body of POST /__mocksf/orgs. */
export interface OrgSpec {
  name: string;
  edition?: string;
  users: UserSpec[];
  records?: {
    [object: string]: Record<string, string | number | boolean | null>[] | Record<string, number> | undefined;
    generate?: Record<string, number>; // object → count of fake records
  };
}

/** A connected app as the control API shows it. */
export interface ConnectedApp {
  id: string;
  name: string;
  apiName: string;
  consumerKey: string;
  consumerSecret: string;
  callbackUrls: string[];
  scopes: string[];
}

/** An org as the control API answers it. */
export interface Org {
  id: string;
  name: string;
  instanceUrl: string;
  loginUrl: string;
  users: (UserSpec & { id: string; email: string })[];
  connectedApps: ConnectedApp[];
  records: Record<string, number>; // object → live record count
}

/** An email mocksf sent, newest first in GET /__mocksf/mail. */
export interface Mail {
  id: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  code: string; // the verification code in it, if any
  sentAt: string;
  orgId: string;
  username: string;
}

/** The control API of one mocksf. */
export class Mocksf {
  // The newest mail read per address, so nextCode waits for the next one.
  private readonly newestRead = new Map<string, string>();

  constructor(readonly url: string, private readonly api: APIRequestContext) {}

  /** Creates an org from the seed schema (POST /__mocksf/orgs). */
  async createOrg(spec: OrgSpec): Promise<Org> {
    return this.json(await this.api.post(`${this.url}/__mocksf/orgs`, { data: spec }), 201);
  }

  /** Reads an org again: its users, apps and record counts. */
  async org(id: string): Promise<Org> {
    return this.json(await this.api.get(`${this.url}/__mocksf/orgs/${id}`), 200);
  }

  /** Removes an org and everything in it; its usernames are free again. */
  async deleteOrg(id: string): Promise<void> {
    await this.json(await this.api.delete(`${this.url}/__mocksf/orgs/${id}`), 204);
  }

  /**
   * The mail mocksf sent, newest first. With `wait` (a Go duration, at most
   * 30s) it long-polls until a message matches; `after` (a message ID)
   * keeps only newer ones.
   */
  async mail(filter: { to?: string; username?: string; org?: string; after?: string; wait?: string }): Promise<Mail[]> {
    const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]);
    return this.json(await this.api.get(`${this.url}/__mocksf/mail?${query}`), 200);
  }

  /**
   * The verification code of the next email to `to`: the first one this
   * client has not read yet, waiting up to 10 seconds for it.
   */
  async nextCode(to: string): Promise<string> {
    const [newest] = await this.mail({ to, after: this.newestRead.get(to), wait: '10s' });
    if (!newest) throw new Error(`mocksf: no new mail to ${to} within 10s`);
    this.newestRead.set(to, newest.id);
    if (!newest.code) throw new Error(`mocksf: the newest mail to ${to} is "${newest.subject}", without a code`);
    return newest.code;
  }

  // json checks the status and decodes the body; a control API error
  // ({"error", "message"}) becomes the thrown error's text.
  private async json<T>(resp: APIResponse, want: number): Promise<T> {
    if (resp.status() !== want) {
      throw new Error(`mocksf: ${resp.url()}: ${resp.status()} ${await resp.text()} (want ${want})`);
    }
    return want === 204 ? (undefined as T) : resp.json();
  }
}
