using Dapper;
using Leitstand.Auth;

namespace Leitstand.Fulfilment;

/// <summary>
/// Books the 5-hour install of a WON lead for the signed-in team member, who is its installer: not in the past, not
/// overlapping another install of the same member. The run copies the current checklist version (public.book_install,
/// supabase/schemas/installs.sql). Runs under the member's claims (RLS), one transaction.
/// </summary>
public sealed class BookInstall(TeamDatabase db, TimeProvider clock)
{
    /// <summary>How far ahead an install can be booked.</summary>
    public const int MaxDaysAhead = 366;

    private const string Sql = "select b.result, b.run_id as runid from public.book_install(@LeadId, @StartsAt, @At) b";

    // A statement of its own: the booking's insert is not visible to the statement that called book_install.
    private const string TimesSql = "select r.starts_at as startsat, r.ends_at as endsat from public.install_runs r where r.id = @RunId";

    public async Task<BookInstallResult> ExecuteAsync(TeamUser user, Guid leadId, DateTime startsAtUtc, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        var row = await team.Connection.QuerySingleAsync<Row>(new CommandDefinition(Sql,
            new { LeadId = leadId, StartsAt = startsAtUtc, At = clock.GetUtcNow().UtcDateTime }, team.Transaction, cancellationToken: ct));
        var times = row.RunId is { } runId
            ? await team.Connection.QuerySingleAsync<Times>(new CommandDefinition(TimesSql, new { RunId = runId }, team.Transaction, cancellationToken: ct))
            : null;
        await team.CommitAsync(ct);
        return new BookInstallResult(row.Result switch
        {
            "booked" => BookInstallStatus.Booked,
            "not_won" => BookInstallStatus.NotWon,
            "past" => BookInstallStatus.Past,
            "overlap" => BookInstallStatus.Overlap,
            _ => BookInstallStatus.NotFound,
        }, row.RunId, times?.StartsAt, times?.EndsAt);
    }

    private sealed record Row(string Result, Guid? RunId);

    private sealed record Times(DateTime StartsAt, DateTime EndsAt);
}

public enum BookInstallStatus { Booked, NotFound, NotWon, Past, Overlap }

/// <summary><see cref="RunId"/>: the booked run, or for <see cref="BookInstallStatus.Overlap"/> the install in the way (with its times).</summary>
public sealed record BookInstallResult(BookInstallStatus Status, Guid? RunId, DateTime? StartsAt, DateTime? EndsAt);
