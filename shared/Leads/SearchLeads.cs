using System.Globalization;
using System.Text;
using Dapper;
using Leitstand.Auth;
using Leitstand.Pipeline;

namespace Leitstand.Leads;

/// <summary>
/// The workbench's lead list: a search over name, company, e-mail, phone and handle where case and accents do not
/// matter and every word of the search is the start of a word of the lead ("brandl" finds "Brändl", "nora bra"
/// finds "Nora Brandl"); filters by stage and source; the newest leads first, <see cref="PageSize"/> a page,
/// keyset-paginated by an opaque cursor. The matching is the database's: public.search_lead_page finds a page of ids
/// (leads.search_document @@ public.lead_search_query, by the GIN index leads_search_idx or newest first), which
/// PostgreSQL could not plan that way under row level security. Runs under the member's claims (RLS).
/// </summary>
public sealed class SearchLeads(TeamDatabase db, ListLeadStages catalogue)
{
    public const int PageSize = 50;
    public const int SearchMax = 200;
    public const int SourceMax = 100;

    // One statement per page: the leads of the page (one more, to know whether there is a next page), each with its
    // last activity (stage change, touchpoint or done task, as the stale rule counts it) and its next open task.
    // With a search, public.search_lead_page finds the page's ids (filters, order and keyset inside the search, so a
    // short prefix that many leads match does not read them all) and the primary key the leads; without one
    // leads_created_idx gives them in order.
    private const string Sql = """
        select l.id, l.name, l.company, l.stage::text as stage, s.label as stagelabel, l.source, l.contact_basis::text as contactbasis,
               l.handle_channel as handlechannel, l.created_at as createdat,
               greatest(l.stage_changed_at,
                        (select max(tp.occurred_at) from public.lead_touchpoints tp where tp.lead_id = l.id),
                        (select max(t.completed_at) from public.tasks t where t.lead_id = l.id and t.status = 'DONE')) as lastactivityat,
               (select min(t.due_at) from public.tasks t where t.lead_id = l.id and t.status = 'OPEN') as nexttaskdueat
        from public.leads l
        join public.lead_stages s on s.code = l.stage
        where {0}
          and (@Stage::text is null or l.stage = @Stage::public.lead_stage)
          and (@Source::text is null or lower(l.source) = lower(@Source::text))
          and (@AfterAt::timestamptz is null or (l.created_at, l.id) < (@AfterAt::timestamptz, @AfterId::uuid))
        order by l.created_at desc, l.id desc
        limit @Limit
        """;

    private static readonly string SearchSql = string.Format(CultureInfo.InvariantCulture, Sql,
        "l.id = any (array(select public.search_lead_page(@Q, @Stage::text, @Source::text, @AfterAt::timestamptz, @AfterId::uuid, @Limit)))");

    private static readonly string ListSql = string.Format(CultureInfo.InvariantCulture, Sql, "true");

    /// <summary>The statement a page runs, with a search or without (for EXPLAIN in tests and benchmarks).</summary>
    public static string Statement(bool withSearch) => withSearch ? SearchSql : ListSql;

    /// <summary>A search, checked: <see cref="Text"/> null lists every lead.</summary>
    public sealed record Query(string? Text, string? Stage, string? Source, Cursor? After);

    /// <summary>Where a page ends: the last lead's creation time and id.</summary>
    public sealed record Cursor(DateTime CreatedAt, Guid Id)
    {
        public string Encode() =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{CreatedAt.Ticks}:{Id:N}")))
                .TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static Cursor? Decode(string text)
        {
            try
            {
                var base64 = text.Replace('-', '+').Replace('_', '/');
                var plain = Encoding.UTF8.GetString(Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=')));
                var parts = plain.Split(':');
                return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                       && ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks
                       && Guid.TryParseExact(parts[1], "N", out var id)
                    ? new Cursor(new DateTime(ticks, DateTimeKind.Utc), id)
                    : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }

    /// <summary>The query parameters <c>q</c>, <c>stage</c>, <c>source</c>, <c>cursor</c>, checked against the stage catalogue; problems per field (German).</summary>
    public async Task<(Query? Query, IReadOnlyDictionary<string, string[]> Errors)> ValidateAsync(TeamUser user, string? q, string? stage, string? source,
        string? cursor, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var text = LeadValidator.NormaliseText(q);
        if (text is { Length: > SearchMax }) errors["q"] = [$"Der Suchbegriff darf höchstens {SearchMax} Zeichen lang sein."];

        var code = LeadValidator.NormaliseText(stage)?.ToUpperInvariant();
        if (code is not null)
        {
            var stages = await catalogue.ExecuteAsync(user, ct);
            if (!stages.Any(s => s.Code == code))
                errors["stage"] = [$"Unbekannte Stufe. Erlaubt: {string.Join(", ", stages.Select(s => s.Code))}."];
        }

        var from = LeadValidator.NormaliseText(source);
        if (from is { Length: > SourceMax }) errors["source"] = [$"Die Quelle darf höchstens {SourceMax} Zeichen lang sein."];

        Cursor? after = null;
        if (LeadValidator.NormaliseText(cursor) is { } c && (after = Cursor.Decode(c)) is null)
            errors["cursor"] = ["Ungültiger Cursor. Bitte den Wert von next_cursor der vorigen Seite unverändert übergeben."];

        // Without a letter or digit there is nothing to search for: the list as without q.
        if (text is not null && !text.Any(char.IsLetterOrDigit)) text = null;
        return errors.Count > 0 ? (null, errors) : (new Query(text, code, from, after), errors);
    }

    /// <summary>Runs as <paramref name="user"/> (RLS: team members only).</summary>
    public async Task<LeadPage> ExecuteAsync(TeamUser user, Query query, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        var rows = (await team.Connection.QueryAsync<LeadListItem>(new CommandDefinition(query.Text is null ? ListSql : SearchSql, new
        {
            Q = query.Text,
            query.Stage,
            query.Source,
            AfterAt = query.After?.CreatedAt,
            AfterId = query.After?.Id,
            Limit = PageSize + 1,
        }, team.Transaction, cancellationToken: ct))).AsList();
        await team.CommitAsync(ct);
        var page = rows.Take(PageSize).ToList();
        return new LeadPage(page, rows.Count > PageSize ? new Cursor(page[^1].CreatedAt, page[^1].Id).Encode() : null);
    }
}

/// <summary>A page of the lead list; <see cref="NextCursor"/> null on the last page.</summary>
public sealed record LeadPage(IReadOnlyList<LeadListItem> Items, string? NextCursor);

/// <summary>
/// A lead as the list shows it: no e-mail, phone or handle (the detail has them). <see cref="LastActivityAt"/>: its
/// latest stage change, touchpoint or done task; <see cref="NextTaskDueAt"/>: when its next open task is due.
/// </summary>
public sealed record LeadListItem(Guid Id, string Name, string? Company, string Stage, string StageLabel, string? Source, string ContactBasis,
    string? HandleChannel, DateTime CreatedAt, DateTime LastActivityAt, DateTime? NextTaskDueAt);
