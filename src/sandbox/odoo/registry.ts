import { accountMove, accountMoveLine } from './models/account-move.js';
import {
  accountJournal,
  accountTax,
  productProduct,
  resCompany,
  resCurrency,
  resPartner,
  resUsers,
} from './models/base.js';
import { accountPayment, accountPaymentRegister } from './models/payment.js';
import type { ModelDef, Registry } from './models/types.js';
import { ormMethods } from './orm-methods.js';

/** Every model the stand-in serves, each with the generic ORM methods plus its own. */
export function buildRegistry(): Registry {
  const models: ModelDef[] = [
    resCompany,
    resUsers,
    resPartner,
    productProduct,
    accountTax,
    accountJournal,
    resCurrency,
    accountMove,
    accountMoveLine,
    accountPaymentRegister,
    accountPayment,
  ];
  return new Map(models.map((m) => [m.name, { ...m, methods: { ...ormMethods(m.name), ...m.methods } }]));
}
