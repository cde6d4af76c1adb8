using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace Leitstand.Leads;

/// <summary>
/// Fixed one-minute windows per client, counted in Postgres so that the limit holds across scaled-out
/// function instances. The client is identified by an HMAC of its address; no raw address is stored. The time comes
/// from the <see cref="TimeProvider"/> (all instances run on synchronised clocks), so tests can pin the window.
/// </summary>
public sealed class LeadFormRateLimiter(NpgsqlDataSource db, LeadCaptureSettings settings, TimeProvider clock)
{
    private const string HitSql = """
        insert into public.rate_limit_hits as r (bucket, window_start, hits)
        values (@Bucket, date_trunc('minute', @Now), 1)
        on conflict (bucket, window_start) do update set hits = r.hits + 1
        returning r.hits, ceil(extract(epoch from (r.window_start + interval '1 minute' - @Now)))::int as secondsleft
        """;

    private const string PruneSql = "delete from public.rate_limit_hits where window_start < @Now - interval '10 minutes'";

    public async Task<RateLimitDecision> HitAsync(string? clientAddress, CancellationToken ct)
    {
        var bucket = "lead-form:" + HashClient(clientAddress, settings.ClientHashKey);
        await using var connection = await db.OpenConnectionAsync(ct);
        var (hits, secondsLeft) = await connection.QuerySingleAsync<(int, int)>(new CommandDefinition(HitSql, new { Bucket = bucket, Now = clock.GetUtcNow().UtcDateTime }, cancellationToken: ct));
        return hits <= settings.RateLimitPerMinute
            ? new RateLimitDecision(true, 0)
            : new RateLimitDecision(false, Math.Max(1, secondsLeft));
    }

    public async Task<int> PruneAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(PruneSql, new { Now = clock.GetUtcNow().UtcDateTime }, cancellationToken: ct));
    }

    /// <summary>HMAC-SHA256 of the address, hex, 32 characters. Not reversible without the key.</summary>
    public static string HashClient(string? clientAddress, string key)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(clientAddress ?? "unknown"));
        return Convert.ToHexStringLower(mac)[..32];
    }
}

public sealed record RateLimitDecision(bool Allowed, int RetryAfterSeconds);
