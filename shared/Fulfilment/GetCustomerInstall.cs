using Dapper;
using Npgsql;

namespace Leitstand.Fulfilment;

/// <summary>
/// What the customer's own page (the signed onboarding link, after submitting) shows of their install: the
/// appointment in Berlin time, the progress by hour block (items and how many are ticked off, which block is
/// running) and, once the run is finished, the handover summary. Of the lead's runs the one with the latest start
/// (a rebooked appointment replaces the earlier one). Nothing internal leaves here: no item titles or states, no
/// reasons, no names of who ticked what, no ids; only the lead the link was signed for. Runs as the functions' role.
/// </summary>
public sealed class GetCustomerInstall(NpgsqlDataSource db, TimeProvider clock)
{
    private const string Sql = """
        select r.id from public.install_runs r where r.lead_id = @LeadId order by r.starts_at desc, r.created_at desc limit 1
        """;

    public async Task<CustomerInstall?> ExecuteAsync(Guid leadId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var runId = await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(Sql, new { LeadId = leadId }, cancellationToken: ct));
        if (runId is not { } id) return null;
        var now = clock.GetUtcNow().UtcDateTime;
        var run = await GetInstall.LoadAsync(connection, null, id, now, ct);
        if (run is null || run.LeadId != leadId) return null;
        var summary = run.State == "finished" ? await GetHandoverSummary.LoadAsync(connection, null, id, now, null, ct) : null;
        return CustomerInstall.From(run, now, summary);
    }
}

/// <summary>
/// The customer's view of an install: <see cref="State"/> booked or finished, <see cref="Started"/> once the clock is
/// past the start, the blocks with counts only, the handover summary once finished.
/// </summary>
public sealed record CustomerInstall(string Appointment, string State, bool Started, IReadOnlyList<CustomerInstallBlock> Blocks, HandoverSummary? Summary)
{
    public bool Finished => State == "finished";

    public static CustomerInstall From(InstallRun run, DateTime nowUtc, HandoverSummary? summary) => new(
        run.Appointment, run.State, nowUtc >= run.StartsAt,
        run.Blocks.Select(b => new CustomerInstallBlock(b.Block, b.Title, b.TimeBox, b.Items, b.Items - b.Open, b.Current)).ToList(),
        run.State == "finished" ? summary : null);
}

/// <summary>An hour block as the customer sees it: title, time box (Berlin time), items and how many are ticked off, running now.</summary>
public sealed record CustomerInstallBlock(int Block, string Title, string TimeBox, int Items, int Done, bool Current);
