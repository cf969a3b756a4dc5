import type { ModelDef } from './types.js';

/** The master-data models: company, user, partners, products, taxes, journals, currencies. */

const active = { type: 'boolean', string: 'Active', default: () => true } as const;

export const resCompany: ModelDef = {
  name: 'res.company',
  description: 'Companies',
  fields: {
    name: { type: 'char', string: 'Company Name', required: true },
    currency_id: { type: 'many2one', string: 'Currency', comodel: 'res.currency', required: true },
    partner_id: { type: 'many2one', string: 'Partner', comodel: 'res.partner' },
  },
};

export const resUsers: ModelDef = {
  name: 'res.users',
  description: 'User',
  fields: {
    name: { type: 'char', string: 'Name', required: true },
    login: { type: 'char', string: 'Login', required: true },
    partner_id: { type: 'many2one', string: 'Related Partner', comodel: 'res.partner' },
    lang: { type: 'char', string: 'Language' },
    tz: { type: 'char', string: 'Timezone' },
    active,
  },
  methods: {
    context_get: {
      api: 'model',
      readonly: true,
      params: [],
      run: (env) => {
        const user = env.store.get('res.users', env.uid);
        return { lang: user?.['lang'] || 'en_US', tz: user?.['tz'] || false, uid: env.uid };
      },
    },
  },
};

export const resPartner: ModelDef = {
  name: 'res.partner',
  description: 'Contact',
  fields: {
    name: { type: 'char', string: 'Name', required: true },
    email: { type: 'char', string: 'Email' },
    phone: { type: 'char', string: 'Phone' },
    is_company: { type: 'boolean', string: 'Is a Company' },
    vat: { type: 'char', string: 'Tax ID' },
    street: { type: 'char', string: 'Street' },
    city: { type: 'char', string: 'City' },
    active,
  },
};

export const productProduct: ModelDef = {
  name: 'product.product',
  description: 'Product Variant',
  fields: {
    name: { type: 'char', string: 'Name', required: true },
    default_code: { type: 'char', string: 'Internal Reference' },
    list_price: { type: 'float', string: 'Sales Price' },
    taxes_id: { type: 'many2many', string: 'Sales Taxes', comodel: 'account.tax' },
    active,
  },
  displayName: (_env, rec) =>
    typeof rec['default_code'] === 'string' && rec['default_code'] !== ''
      ? `[${rec['default_code']}] ${String(rec['name'])}`
      : String(rec['name']),
};

export const accountTax: ModelDef = {
  name: 'account.tax',
  description: 'Tax',
  fields: {
    name: { type: 'char', string: 'Tax Name', required: true },
    amount: { type: 'float', string: 'Amount' },
    amount_type: {
      type: 'selection',
      string: 'Tax Computation',
      selection: ['percent', 'fixed'],
      default: () => 'percent',
    },
    type_tax_use: {
      type: 'selection',
      string: 'Tax Type',
      selection: ['sale', 'purchase', 'none'],
      default: () => 'sale',
    },
    active,
  },
};

export const accountJournal: ModelDef = {
  name: 'account.journal',
  description: 'Journal',
  fields: {
    name: { type: 'char', string: 'Journal Name', required: true },
    code: { type: 'char', string: 'Short Code', required: true },
    type: {
      type: 'selection',
      string: 'Type',
      selection: ['sale', 'purchase', 'cash', 'bank', 'general'],
      required: true,
    },
    active,
  },
};

export const resCurrency: ModelDef = {
  name: 'res.currency',
  description: 'Currency',
  fields: {
    name: { type: 'char', string: 'Currency', required: true },
    symbol: { type: 'char', string: 'Symbol' },
    rounding: { type: 'float', string: 'Rounding Factor', default: () => 0.01 },
    active,
  },
};
