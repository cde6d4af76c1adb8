import { h } from './dom.js';

/** #/agenten: needs a list endpoint (GET /api/agents) that does not exist yet; see issue 11. */
export function agenten(main) {
  main.replaceChildren(h('h1', {}, 'Agenten'),
    h('p', { class: 'muted' }, 'Die Agenten-Übersicht folgt: Status, letzter Heartbeat, offene Incidents, Übernehmen und Neustart.'));
}
