using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Privacy;

/// <summary>
/// Erasure tests read whole tables (the scan for the person's strings, the KPI board), so each has a database of its
/// own (<see cref="OwnDatabaseTestBase"/>). <see cref="PersonAsync"/> writes a customer with personal data in every
/// place the erasure must reach, including texts written the old way (names in task titles, summaries, agent names,
/// lost reasons in kept figures, alert texts).
/// </summary>
public abstract class ErasureTestBase(StackFixture stack) : OwnDatabaseTestBase(stack, WholeSecondNow())
{
    // The database writes its own now() for the rows; the clock (the erasure's time, the KPI board's "as of") is the same time.
    private static DateTimeOffset WholeSecondNow() => DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60);

    /// <summary>A person's identifying strings (unique per test) and the rows around them.</summary>
    protected sealed record Person(Guid LeadId, string Name, string Email, string Phone, string Handle, string Company, Guid DealId, Guid AgentId)
    {
        public string[] Strings => [Name, Email, Phone, Handle];
    }

    protected static Person NewPerson()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var digits = string.Concat(Guid.NewGuid().ToByteArray().Take(7).Select(b => (char)('0' + b % 10)));
        return new Person(Guid.Empty, $"Erika Tilgung{tag}", $"erika.{tag}@example.de", $"+49 30 9{digits}", $"erika_{tag}",
            $"Bäckerei Tilgung{tag}", Guid.Empty, Guid.Empty);
    }

    /// <summary>
    /// A customer won a year ago (WON with a SETUP deal): touchpoints with notes, her own tasks (names in titles),
    /// an overdue summary naming her, an agent named after her company with a workflow, onboarding answers and link,
    /// an install with a skipped item's reason, an alert and its outbox message that name her, a lead-captured
    /// message, and kept KPI figures whose lost reason names her.
    /// </summary>
    protected async Task<Person> PersonAsync(Person? template = null)
    {
        var p = template ?? NewPerson();
        var wonAt = Clock.GetUtcNow().UtcDateTime.AddDays(-330);
        await using var connection = await Admin.OpenConnectionAsync();
        var lead = await connection.ExecuteScalarAsync<Guid>("""
            insert into leads (name, email, phone, company, message, consent_at, consent_text_version, consent_source, utm_source)
            values (@Name, @Email, @Phone, @Company, 'Bitte rufen Sie ' || @Name || ' unter ' || @Phone || ' an.', now(), '2026-11-25',
                    'https://example.de/kontakt?from=' || @Email, 'instagram')
            returning id
            """, p);
        await connection.ExecuteAsync("update leads set handle = @Handle, handle_channel = 'instagram' where id = @lead", new { p.Handle, lead });
        foreach (var stage in new[] { "CONTACTED", "REPLIED", "QUALIFIED", "CALL_BOOKED", "WON" }) await Crm.MoveAsync(connection, lead, stage);
        var deal = await connection.ExecuteScalarAsync<Guid>("""
            update deals set won_at = @wonAt, price_reason = 'Rabatt für ' || @Name where lead_id = @lead returning id
            """, new { wonAt, p.Name, lead });
        var agent = await connection.ExecuteScalarAsync<Guid>("""
            insert into agents (lead_id, deal_id, name, key_hash, key_prefix)
            values (@lead, @deal, @Company || ' Agent', repeat('a', 56) || substr(md5(@lead::text), 1, 8), 'lsa_test') returning id
            """, new { lead, deal, p.Company });
        await connection.ExecuteAsync("""
            insert into lead_touchpoints (lead_id, direction, channel, kind, note)
            values (@lead, 'OUTBOUND', 'instagram', 'dm', 'DM an @' || @Handle || ', ' || @Name || ' will Preise'),
                   (@lead, 'INBOUND', 'email', 'email', 'Antwort von ' || @Email);
            insert into tasks (lead_id, kind, title, details, due_at)
            values (@lead, 'follow_up', 'Follow-up 1 an ' || @Name || ' senden', 'Noch keine Antwort von ' || @Name || '?', now() + interval '1 day'),
                   (@lead, 'call_prep', 'Call mit ' || @Name || ' vorbereiten', 'Telefon ' || @Phone, now() - interval '2 days');
            insert into tasks (kind, rule, title, details, due_at, dedupe_key, generated_for)
            values ('overdue_summary', 'overdue_summary', 'Überfällig: 2 offene Aufgaben aufarbeiten',
                    E'Jede Aufgabe erledigen:\n- Call mit ' || @Name || E' vorbereiten (fällig 05.12.)\n- Erstkontakt: Otto Anders (fällig 05.12.)',
                    now(), 'overdue:test:' || @lead, current_date);
            insert into agent_workflows (agent_id, key, name, run_interval, origin, created_at)
            values (@agent, 'rechnungen', 'Rechnungen für ' || @Name, interval '1 day', 'onboarding', now());
            insert into onboarding_answers (lead_id, template_version, answers)
            values (@lead, (select max(version) from onboarding_templates),
                    jsonb_build_object('contact', jsonb_build_object('name', @Name, 'email', @Email, 'phone', @Phone)));
            insert into onboarding_links (lead_id, expires_at) values (@lead, now() + interval '14 days');
            with run as (
              insert into install_runs (lead_id, installer, checklist_version, starts_at, ends_at)
              values (@lead, gen_random_uuid(), 1, now() - interval '300 days', now() - interval '300 days' + interval '5 hours')
              returning id, starts_at
            )
            insert into install_run_items (run_id, position, block, block_title, block_outcome, box_starts_at, box_ends_at, title, kind,
                                           safety_baseline, state, marked_at, marked_by, reason)
            select run.id, 1, 1, 'Kick-off', 'Ziele', run.starts_at, run.starts_at + interval '1 hour', 'Ziele bestätigt', 'check',
                   false, 'skipped', now(), 'team', @Name || ' war nicht erreichbar'
            from run;
            insert into alerts (id, kind, severity, dedupe_key, subject_type, subject_id, title, body, link, occurred_at, attributes)
            values (gen_random_uuid(), 'lead_new', 'info', 'lead:' || @lead || ':test', 'lead', @lead, 'Neuer Lead',
                    'Neuer Lead: ' || @Name || ' (' || @Email || ')', '#/leads/' || @lead, now(), jsonb_build_object('lead_id', @lead, 'handle', @Handle));
            insert into alert_deliveries (alert_id, channel, due_at, last_error)
            select id, 'webhook', now(), 'Zustellung an ' || @Email || ' abgelehnt' from alerts where subject_id = @lead;
            insert into outbox_messages (id, queue, payload)
            select gen_random_uuid(), 'alerts', jsonb_build_object('type', 'alerts', 'version', 2, 'alerts',
                     jsonb_build_array(jsonb_build_object('alert_id', a.id, 'title', a.title, 'text', a.body)))
            from alerts a where a.subject_id = @lead;
            insert into outbox_messages (id, queue, payload)
            values (gen_random_uuid(), 'lead-captured', jsonb_build_object('type', 'lead.captured', 'lead_id', @lead, 'stage', 'NEW'));
            insert into kpi_period_figures (kind, period_start, figures, computed_at)
            values ('month', date '2025-10-01', jsonb_build_object('lost_reasons',
                      jsonb_build_array(jsonb_build_object('reason', 'Kein Budget', 'leads', 2),
                                        jsonb_build_object('reason', 'Meldet sich, sagt ' || @Name, 'leads', 1))), now())
            on conflict (kind, period_start) do update
              set figures = jsonb_set(kpi_period_figures.figures, '{lost_reasons}',
                                      (kpi_period_figures.figures -> 'lost_reasons') || (excluded.figures -> 'lost_reasons' -> 1));
            """, new { lead, agent, p.Name, p.Email, p.Phone, p.Handle, p.Company });
        return p with { LeadId = lead, DealId = deal, AgentId = agent };
    }

    protected async Task<HttpResponseMessage> EraseAsync(Guid lead, object? body = null) =>
        await Host.TeamClient.PostAsJsonAsync($"/api/leads/{lead}/erase", body ?? new { reason = "request" });

    protected static async Task<JsonElement> BodyAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>
    /// Every text, JSON and array column of every table in schema public (from information_schema, so new tables are
    /// covered), and where it contains one of <paramref name="strings"/> (case-insensitive): "table.column: string".
    /// </summary>
    protected async Task<IReadOnlyList<string>> FindAnywhereAsync(IEnumerable<string> strings)
    {
        await using var connection = await Admin.OpenConnectionAsync();
        var columns = (await connection.QueryAsync<(string Table, string Column)>("""
            select c.table_name, c.column_name
            from information_schema.columns c
            join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
            where c.table_schema = 'public'
              and (c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED', 'tsvector')
                   or c.domain_name is not null)
            order by 1, 2
            """)).ToList();
        Assert.Contains(columns, c => c == ("leads", "name"));
        var hits = new List<string>();
        foreach (var term in strings)
            foreach (var (table, column) in columns)
            {
                var found = await connection.ExecuteScalarAsync<bool>(
                    $"select exists (select 1 from public.\"{table}\" where \"{column}\"::text ilike '%' || @term || '%')", new { term });
                if (found) hits.Add($"{table}.{column}: {term}");
            }
        return hits;
    }
}
