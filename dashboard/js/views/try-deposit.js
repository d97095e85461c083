import { envApi } from '../api.js';
import { h, mount, replaceChildren, safeUrl, toast } from '../dom.js';
import { badge, jsonBlock } from '../format.js';
import { useEnvironment } from '../environments.js';
import { samplePayload } from '../sample-payload.js';

/**
 * Runs one deposit through a PSP of this environment, as a merchant would: in an environment whose
 * host map points at the built-in simulators, the payer's page it answers is the simulator's.
 */
export async function tryDepositView(view, { params, query }) {
  const env = await useEnvironment(params.environmentId);
  const call = envApi(env.id);
  const [{ items: psps }, { targets }] = await Promise.all([call('GET', '/psps?limit=100&status=ENABLED'), call('GET', '/flow-types/definitions?type=PSP')]);
  const deposit = (psp) => {
    const target = targets.find((t) => t.id === psp.flowTargetId);
    const action = target?.actions.find((a) => a.name === 'DEPOSIT' && a.definition !== null);
    const enabled = psp.operations.some((op) => op.flowActionId === action?.id && op.status === 'ENABLED');
    return enabled ? { target, action } : undefined;
  };
  const usable = psps.filter((psp) => deposit(psp) !== undefined);
  if (usable.length === 0) {
    mount(view, h('h1', {}, 'Try a deposit'), h('p.muted', {}, 'No enabled PSP with a deposit operation: '), h('a.button', { href: `#/env/${env.id}/psps` }, 'Add a PSP'));
    return;
  }

  const pspSelect = h('select', { name: 'pspId', on: { change: prefill } }, usable.map((p) => h('option', { value: p.id, selected: p.id === query.get('psp') }, p.name)));
  const currency = h('select', { name: 'txnCurrency' });
  const amount = h('input', { name: 'txnAmount', required: true, value: '25.00', inputmode: 'decimal', pattern: '[0-9]+(\\.[0-9]+)?' });
  const payload = h('textarea.code', { name: 'executePayload', rows: 12, spellcheck: 'false' });
  const outcome = h('div', { 'data-outcome': '' });
  const form = h(
    'form.card.grid-form',
    { on: { submit: run }, 'data-form': 'try-deposit' },
    h('label', {}, 'PSP', pspSelect),
    h('div.row', {}, h('label', {}, 'Amount', amount), h('label', {}, 'Currency', currency)),
    h('label', {}, 'executePayload', payload, h('small.hint', {}, 'Generated from the definition’s input schema: edit freely.')),
    h('button.primary', { type: 'submit' }, 'Run deposit'),
  );
  mount(view, h('h1', {}, 'Try a deposit'), form, outcome);
  prefill();

  function chosen() {
    const psp = usable.find((p) => p.id === pspSelect.value) ?? usable[0];
    return { psp, ...deposit(psp) };
  }

  function prefill() {
    const { target, action } = chosen();
    const currencies = target.inputSchema?.currencies?.items?.enum ?? [];
    currency.replaceChildren(...(currencies.length > 0 ? currencies : ['USD', 'EUR', 'GBP', 'BRL']).map((c) => h('option', { value: c }, c)));
    payload.value = JSON.stringify(samplePayload(action.definition.inputSchema), null, 2);
  }

  async function run(event) {
    event.preventDefault();
    const { psp, target, action } = chosen();
    // Recorded as the operator's (history cause "operator"), but on production it is real money.
    if (env.production && !confirm(`${env.brandName} / ${env.name} is a production environment: this deposit goes to the real gateway. Run it?`)) return;
    let executePayload;
    try {
      executePayload = JSON.parse(payload.value);
    } catch {
      return toast('executePayload is not valid JSON', 'error');
    }
    const body = { pspId: psp.id, flowActionId: action.id, flowTargetId: target.id, txnCurrency: currency.value, txnAmount: amount.value, executePayload };
    try {
      const answer = await call('POST', '/transactions', body, { idempotencyKey: crypto.randomUUID() });
      showOutcome(answer);
    } catch (err) {
      toast(err.describe?.() ?? err.message, 'error');
    }
  }

  function showOutcome(answer) {
    const result = answer.data?.data ?? {};
    const navigation = result.navigation;
    const page = navigation?.contentType === 'url' ? safeUrl(navigation.value) : undefined;
    replaceChildren(
      outcome,
      h(
        'section.card',
        {},
        h('h2', {}, 'Transaction ', h('code', {}, answer.txnId ?? '')),
        h('p', {}, answer.status ? badge(answer.status) : null, ' ', answer.success === false ? h('span.error', {}, answer.error?.message ?? 'the script failed') : null),
        page ? h('p', {}, h('a.button.primary', { href: page, target: '_blank', rel: 'noopener noreferrer', 'data-payment-page': '' }, 'Open the payment page')) : null,
        result.pixCopyAndPaste ? h('p', {}, 'Pix Copia e Cola: ', h('code.wrap', {}, result.pixCopyAndPaste)) : null,
        h('p', {}, h('a', { href: `#/env/${env.id}/transactions/${answer.txnId}`, 'data-timeline-link': '' }, 'Follow it on its timeline →')),
        h('details', {}, h('summary', {}, 'The full answer'), jsonBlock(answer)),
      ),
    );
  }
}
