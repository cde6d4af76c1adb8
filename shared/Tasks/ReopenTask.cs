using Dapper;
using Leitstand.Auth;

namespace Leitstand.Tasks;

/// <summary>
/// Reopens a done or skipped task (compare-and-set on its status). What completing it recorded stays: the
/// touchpoint happened, and a stage move is undone only by moving the lead (the stage rules decide).
/// </summary>
public sealed class ReopenTask(TeamDatabase db)
{
    private const string Sql = """
        with reopened as (
          update public.tasks set status = 'OPEN', completed_at = null, outcome = null, outcome_channel = null,
            outcome_note_code = null, touchpoint_id = null, cancel_reason = null
          where id = @TaskId and status <> 'OPEN'
          returning id
        )
        select (select count(*) from reopened)::int as changed, (select status::text from public.tasks where id = @TaskId) as status
        """;

    /// <summary>Runs as <paramref name="user"/> (RLS: team members only).</summary>
    public async Task<ReopenTaskResult> ExecuteAsync(TeamUser user, Guid taskId, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        var row = await team.Connection.QuerySingleAsync<(int Changed, string? Status)>(new CommandDefinition(Sql, new { TaskId = taskId }, team.Transaction, cancellationToken: ct));
        await team.CommitAsync(ct);
        return row switch
        {
            { Changed: 1 } => ReopenTaskResult.Reopened,
            { Status: null } => ReopenTaskResult.NotFound,
            _ => ReopenTaskResult.AlreadyOpen,
        };
    }
}

public enum ReopenTaskResult { Reopened, AlreadyOpen, NotFound }
