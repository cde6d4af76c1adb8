using System.Text.Json;
using Dapper;
using Npgsql;

namespace Leitstand.Tests.Fixtures;

/// <summary>Creates CRM data for tests the way the team would: plain SQL, as a team member where it matters.</summary>
public static class Crm
{
    /// <summary>The path a lead takes to reach each stage from NEW (through allowed moves only).</summary>
    private static readonly Dictionary<string, string[]> PathTo = new()
    {
        ["NEW"] = [],
        ["CONTACTED"] = ["CONTACTED"],
        ["REPLIED"] = ["CONTACTED", "REPLIED"],
        ["QUALIFIED"] = ["CONTACTED", "REPLIED", "QUALIFIED"],
        ["CALL_BOOKED"] = ["CONTACTED", "REPLIED", "QUALIFIED", "CALL_BOOKED"],
        ["WON"] = ["CONTACTED", "REPLIED", "QUALIFIED", "CALL_BOOKED", "WON"],
        ["LOST"] = ["CONTACTED", "LOST"],
    };

    public static async Task<Guid> CreateLeadAsync(NpgsqlDataSource admin, string stage = "NEW", string? name = null, string? company = null)
    {
        await using var connection = await admin.OpenConnectionAsync();
        var id = await connection.ExecuteScalarAsync<Guid>("""
            insert into leads (name, email, company, consent_at, consent_text_version, consent_source)
            values (@name, @email, @company, now(), '2026-11-25', 'test') returning id
            """, new { name = name ?? "Lena Lead", email = $"lead-{Guid.NewGuid():N}@example.de", company = company ?? "Lead GmbH" });
        foreach (var next in PathTo[stage]) await MoveAsync(connection, id, next);
        return id;
    }

    /// <summary>Moves a lead to the next stage, meeting what that stage requires (deal, reason, call date).</summary>
    public static async Task MoveAsync(NpgsqlConnection connection, Guid leadId, string stage)
    {
        if (stage == "WON")
            await connection.ExecuteAsync("insert into deals (lead_id, package, amount_cents) values (@leadId, 'SETUP', 149000)", new { leadId });
        await connection.ExecuteAsync("""
            update leads set stage = @stage::lead_stage,
              lost_reason_code = case when @stage = 'LOST' then 'preis' else lost_reason_code end,
              lost_reason = case when @stage = 'LOST' then 'Kein Budget' else lost_reason end,
              call_at = case when @stage = 'CALL_BOOKED' then coalesce(call_at, now() + interval '2 days') else call_at end
            where id = @leadId
            """, new { leadId, stage });
    }

    public static async Task<Guid> CreateTeamMemberAsync(NpgsqlDataSource admin)
    {
        await using var connection = await admin.OpenConnectionAsync();
        var userId = Guid.NewGuid();
        await connection.ExecuteAsync("""
            insert into auth.users (id, email) values (@userId, @email);
            insert into team_members (user_id, display_name) values (@userId, 'Test Team');
            """, new { userId, email = $"team-{userId:N}@example.de" });
        return userId;
    }

    /// <summary>Runs SQL as a signed-in Supabase user (role authenticated, JWT claims set), as the status center would.</summary>
    public static async Task<int> AsUserAsync(NpgsqlDataSource admin, Guid userId, string sql, object? param = null)
    {
        await using var connection = await admin.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var claims = JsonSerializer.Serialize(new { sub = userId, role = "authenticated" });
        await connection.ExecuteAsync("select set_config('request.jwt.claims', @claims, true); set local role authenticated;", new { claims }, tx);
        var affected = await connection.ExecuteAsync(sql, param, tx);
        await tx.CommitAsync();
        return affected;
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlDataSource admin, string sql, object? param = null)
    {
        await using var connection = await admin.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, param))!;
    }
}
