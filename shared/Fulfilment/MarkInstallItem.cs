using Dapper;
using Leitstand.Auth;

namespace Leitstand.Fulfilment;

/// <summary>
/// Marks an item of an install run: done, skipped (with a reason) or, for a safety-baseline item, not applicable
/// (with a reason; a baseline item is never skipped). Records who and when; the run finishes when no item is left
/// open (public.mark_install_item). Runs under the member's claims (RLS), one transaction.
/// </summary>
public sealed class MarkInstallItem(TeamDatabase db, TimeProvider clock)
{
    public const int ReasonMax = 500;

    private const string Sql = "select public.mark_install_item(@RunId, @ItemId, @State, @Reason, @At)";

    public async Task<MarkInstallItemStatus> ExecuteAsync(TeamUser user, Guid runId, Guid itemId, InstallItemMark mark, string? reason, CancellationToken ct)
    {
        var state = mark switch { InstallItemMark.Done => "done", InstallItemMark.Skipped => "skipped", _ => "not_applicable" };
        await using var team = await db.BeginAsync(user, ct);
        var result = await team.Connection.ExecuteScalarAsync<string>(new CommandDefinition(Sql,
            new { RunId = runId, ItemId = itemId, State = state, Reason = reason, At = clock.GetUtcNow().UtcDateTime },
            team.Transaction, cancellationToken: ct));
        await team.CommitAsync(ct);
        return result switch
        {
            "marked" => MarkInstallItemStatus.Marked,
            "finished" => MarkInstallItemStatus.RunFinishedNow,
            "run_finished" => MarkInstallItemStatus.RunAlreadyFinished,
            "not_open" => MarkInstallItemStatus.NotOpen,
            "baseline" => MarkInstallItemStatus.BaselineNotSkippable,
            "not_baseline" => MarkInstallItemStatus.NotBaseline,
            "reason_required" => MarkInstallItemStatus.ReasonRequired,
            _ => MarkInstallItemStatus.NotFound,
        };
    }
}

public enum InstallItemMark { Done, Skipped, NotApplicable }

public enum MarkInstallItemStatus { Marked, RunFinishedNow, NotFound, RunAlreadyFinished, NotOpen, BaselineNotSkippable, NotBaseline, ReasonRequired }
