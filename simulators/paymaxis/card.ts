/** The card a payer types on the checkout page, checked the way a card form does. */
export interface CardInput {
  cardholderName: string;
  cardNumber: string;
  expiryMonth: string;
  expiryYear: string;
  cvv: string;
}

export type CardCheck = { ok: true; digits: string } | { ok: false; message: string };

export function checkCard(card: CardInput, now: number): CardCheck {
  const digits = card.cardNumber.replace(/[\s-]/g, '');
  if (card.cardholderName.trim() === '') return { ok: false, message: 'Enter the name on the card.' };
  if (!/^\d{12,19}$/.test(digits) || !passesLuhn(digits)) return { ok: false, message: 'The card number is not valid.' };
  if (!/^(0?[1-9]|1[0-2])$/.test(card.expiryMonth) || !/^\d{4}$/.test(card.expiryYear)) {
    return { ok: false, message: 'Enter the expiry date as MM and YYYY.' };
  }
  const today = new Date(now);
  const expiry = Number(card.expiryYear) * 12 + Number(card.expiryMonth);
  if (expiry < today.getUTCFullYear() * 12 + today.getUTCMonth() + 1) return { ok: false, message: 'The card has expired.' };
  if (!/^\d{3,4}$/.test(card.cvv)) return { ok: false, message: 'The security code has 3 or 4 digits.' };
  return { ok: true, digits };
}

/** What Paymaxis keeps of a card: `paymentMethodDetails`, the number masked. */
export function cardDetails(card: CardInput, digits: string): Record<string, string> {
  return {
    customerAccountNumber: `${digits.slice(0, 6)}${'*'.repeat(digits.length - 10)}${digits.slice(-4)}`,
    cardholderName: card.cardholderName.trim(),
    cardExpiryMonth: card.expiryMonth.padStart(2, '0'),
    cardExpiryYear: card.expiryYear,
  };
}

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
