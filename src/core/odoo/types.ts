/** The shapes the Odoo client speaks, independent of the wire format. */

export type OdooProtocol = 'json2' | 'xmlrpc';

/** An Odoo search domain: leaves `[field, operator, value]` and the prefix operators `&`, `|`, `!`. */
export type OdooDomain = ReadonlyArray<string | readonly [string, string, unknown]>;

/** One call's arguments, named as JSON-2 names them; the XML-RPC transport maps them to execute_kw. */
export interface OdooCallArgs {
  /** Record ids, for methods called on records (write, read, action_post...). Omit for model methods. */
  ids?: number[];
  kwargs?: Record<string, unknown>;
  context?: Record<string, unknown>;
}

/** A wire format behind the client. Both return the same values for the same call. */
export interface OdooTransport {
  readonly protocol: OdooProtocol;
  call(model: string, method: string, args: OdooCallArgs): Promise<unknown>;
  version(): Promise<OdooVersion>;
}

export interface OdooVersion {
  version: string;
  major: number;
  versionInfo: unknown[];
}

export interface OdooHealth {
  ok: boolean;
  status: 'pass' | 'fail' | 'unknown';
  httpStatus: number;
  dbServerStatus: boolean | undefined;
}

export interface OdooUserContext {
  uid: number;
  lang: string | null;
  tz: string | null;
  [key: string]: unknown;
}

/** A many2one value, normalised from Odoo's `[id, "display name"]` (or `false`, which becomes null). */
export interface OdooRef {
  id: number;
  name: string;
}

export type OdooRecord = Record<string, unknown> & { id: number };

export interface Partner {
  id: number;
  name: string;
  email: string | null;
}

export type PartnerQuery = { id: number } | { name: string; email?: string };

export interface InvoiceLineInput {
  name: string;
  quantity: number;
  price_unit: number;
  product_id?: number;
  tax_ids?: number[];
}

export interface DraftInvoiceInput {
  partnerId: number;
  lines: InvoiceLineInput[];
  invoice_date?: string;
  invoice_date_due?: string;
  /** Customer reference. */
  ref?: string;
  /** ISO currency code, e.g. `EUR`; default the company currency. */
  currency?: string;
  /** Idempotency key stored in `invoice_origin` (the task id). */
  origin: string;
}

export interface Invoice {
  id: number;
  /** The invoice number; null while a draft (Odoo 18/19 leave it False). */
  name: string | null;
  state: 'draft' | 'posted' | 'cancel';
  move_type: string;
  partner: OdooRef | null;
  currency: OdooRef | null;
  amount_untaxed: number;
  amount_tax: number;
  amount_total: number;
  amount_residual: number;
  /** not_paid | in_payment | paid | partial | reversed | blocked | invoicing_legacy */
  payment_state: string;
  invoice_date: string | null;
  invoice_date_due: string | null;
  ref: string | null;
  invoice_origin: string | null;
}

export interface InvoiceFilter {
  state?: Invoice['state'];
  payment_state?: string;
  partnerId?: number;
  origin?: string;
  limit?: number;
  offset?: number;
}

export interface PaymentInput {
  payment_date: string;
  /** Default: what is left to pay. Less than that leaves the invoice `partial`. */
  amount?: number;
  /** The memo. */
  communication?: string;
}

export interface SearchOptions {
  fields?: string[];
  limit?: number;
  offset?: number;
  order?: string;
  context?: Record<string, unknown>;
}

/** One interface over both transports, with the policy and draft-only guards in front of every call. */
export interface OdooClient {
  /** The transport in use (resolves the `auto` probe on first use). */
  protocol(): Promise<OdooProtocol>;
  /** Any model method, after the guards. Returns the raw Odoo value. */
  call<T = unknown>(model: string, method: string, args?: OdooCallArgs): Promise<T>;
  version(): Promise<OdooVersion>;
  /** `/web/health?db_server_status=1`; answers (not throws) when Odoo says it is unhealthy. */
  health(): Promise<OdooHealth>;
  contextGet(): Promise<OdooUserContext>;
  uid(): Promise<number>;
  search(model: string, domain: OdooDomain, options?: Omit<SearchOptions, 'fields'>): Promise<number[]>;
  searchRead<T extends OdooRecord = OdooRecord>(
    model: string,
    domain: OdooDomain,
    options?: SearchOptions,
  ): Promise<T[]>;
  read<T extends OdooRecord = OdooRecord>(model: string, ids: number[], fields?: string[]): Promise<T[]>;
  /** Creates one record and returns its id. */
  create(model: string, values: Record<string, unknown>, context?: Record<string, unknown>): Promise<number>;
  findOrCreatePartner(query: PartnerQuery): Promise<{ partner: Partner; created: boolean }>;
  findInvoiceByOrigin(origin: string): Promise<Invoice | null>;
  /** Idempotent: returns the invoice already made for `origin` when there is one. */
  createDraftInvoice(input: DraftInvoiceInput): Promise<{ invoice: Invoice; created: boolean }>;
  getInvoice(id: number): Promise<Invoice>;
  listInvoices(filter?: InvoiceFilter): Promise<Invoice[]>;
  /** `action_post`; returns the invoice with its number. */
  postInvoice(id: number): Promise<Invoice>;
  /** The `account.payment.register` wizard; returns the invoice with its new payment state. */
  registerPayment(invoiceId: number, payment: PaymentInput): Promise<Invoice>;
}
