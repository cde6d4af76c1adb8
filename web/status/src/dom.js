/** h('p', { class: 'x' }, 'text', child): elements without innerHTML, so no data becomes markup. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === false || v == null) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c != null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

/**
 * Puts a form into its slot and focuses its first field at once. Not a frame later (requestAnimationFrame): by then
 * the person may be typing in another field already, and the focus would move away under their keystrokes.
 */
export function showForm(slot, form) {
  slot.replaceChildren(form);
  form.elements[0]?.focus();
}

export function toast(text) {
  const el = document.getElementById('meldung');
  el.textContent = text;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.textContent = ''; }, 5000);
}

const dateTime = new Intl.DateTimeFormat('de-DE', { weekday: 'short', day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Berlin' });
export const formatDateTime = (iso) => dateTime.format(new Date(iso));

const berlinParts = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Berlin', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
const berlinOffset = (ms) => {
  const p = Object.fromEntries(berlinParts.formatToParts(ms).map((x) => [x.type, x.value]));
  return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute) - ms;
};
/** The value of an <input type=datetime-local> read as Berlin time (as the page shows times), as ISO 8601 in UTC. */
export function berlinInputToIso(value) {
  const [y, mo, d, hh, mm] = value.split(/[-T:]/).map(Number);
  const wall = Date.UTC(y, mo - 1, d, hh, mm);
  let ms = wall - berlinOffset(wall);
  ms = wall - berlinOffset(ms); // the offset at the instant itself (daylight saving days)
  return new Date(ms).toISOString();
}
const euro = new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
export const formatCents = (cents) => euro.format((cents ?? 0) / 100);
export const formatTime = (date) => date.toLocaleTimeString('de-DE', { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: 'Europe/Berlin' });

/** A button that copies value to the clipboard and says so (label: what is copied, German). */
export function copyButton(label, value) {
  return h('button', { type: 'button', class: 'copy', 'aria-label': `${label} kopieren`, 'data-copy': value, onclick: async () => {
    try {
      await navigator.clipboard.writeText(value);
      toast(`${label} kopiert.`);
    } catch {
      toast(`${label} konnte nicht kopiert werden.`);
    }
  } }, 'Kopieren');
}
