import { emptyStoreData, Store, type StoreData } from './store.js';

/**
 * A fresh database: company currency EUR (USD too), a sale and a bank journal, a 15% sales tax, two
 * products and two customers, the bot user the API key belongs to and a user without accounting rights.
 * Ids are fixed so tests can name them.
 */
export const SEED_IDS = {
  eur: 1,
  usd: 2,
  tax15: 1,
  saleJournal: 1,
  bankJournal: 2,
  companyPartner: 1,
  botPartner: 2,
  customerAzure: 3,
  customerDeco: 4,
  productConsulting: 1,
  productLicence: 2,
  botUser: 2,
  /** An internal user without accounting rights: its calls on `account.*` are Odoo's AccessError. */
  salesUser: 3,
} as const;

/** The login of `SEED_IDS.salesUser` (XML-RPC's authenticate checks it). */
export const SALES_USER_LOGIN = 'sales@example.com';

export function seedStoreData(login: string): StoreData {
  const store = new Store(emptyStoreData());
  store.insert('res.currency', { name: 'EUR', symbol: '€', rounding: 0.01, active: true });
  store.insert('res.currency', { name: 'USD', symbol: '$', rounding: 0.01, active: true });
  store.insert('res.partner', { name: 'My Company', is_company: true, active: true });
  store.insert('res.partner', { name: 'AI Employee Bot', email: login, active: true });
  store.insert('res.partner', {
    name: 'Azure Interior',
    email: 'azure.interior24@example.com',
    is_company: true,
    active: true,
  });
  store.insert('res.partner', {
    name: 'Deco Addict',
    email: 'deco.addict82@example.com',
    is_company: true,
    active: true,
  });
  store.insert('res.company', { name: 'My Company', currency_id: SEED_IDS.eur, partner_id: SEED_IDS.companyPartner });
  // Why: uid 1 is OdooBot/__system__ in a real database; the API user is never uid 1.
  store.insert('res.users', { name: 'OdooBot', login: '__system__', active: false });
  store.insert('res.users', {
    name: 'AI Employee Bot',
    login,
    partner_id: SEED_IDS.botPartner,
    lang: 'en_US',
    tz: 'Europe/Brussels',
    active: true,
  });
  // Why the flag: the stand-in has no groups; access.ts refuses `account.*` to a user flagged like this.
  store.insert('res.users', { name: 'Sales User', login: SALES_USER_LOGIN, active: true, __no_accounting: true });
  store.insert('account.tax', { name: '15%', amount: 15, amount_type: 'percent', type_tax_use: 'sale', active: true });
  store.insert('account.journal', { name: 'Customer Invoices', code: 'INV', type: 'sale', active: true });
  store.insert('account.journal', { name: 'Bank', code: 'BNK1', type: 'bank', active: true });
  store.insert('product.product', {
    name: 'Consulting hour',
    default_code: 'CONSULT',
    list_price: 100,
    taxes_id: [SEED_IDS.tax15],
    active: true,
  });
  store.insert('product.product', {
    name: 'Software licence',
    default_code: 'LIC',
    list_price: 250,
    taxes_id: [SEED_IDS.tax15],
    active: true,
  });
  return store.snapshot();
}
