using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace Leitstand.Privacy;

/// <summary>
/// The keyed hashes an objection is stored as (Art. 21 DSGVO, public.objections): HMAC-SHA256 with
/// Privacy__ObjectionHashKey over the normalised value, "email:&lt;address&gt;" or "handle:&lt;channel&gt;:&lt;handle&gt;".
/// The values are normalised as a lead stores them (trimmed, lower case, the handle without a leading @), so the
/// hash of a lead's e-mail or handle is the hash of the objection to it. The key stays in the app; SQL gets hashes only.
/// Also the one check the lead entries share (<see cref="ActiveAsync"/>) and its German refusal.
/// </summary>
public sealed class ObjectionHashes
{
    /// <summary>The refusal at a field whose e-mail or handle is objected to (German).</summary>
    public const string RefusalMessage =
        "Diese Person hat der Kontaktaufnahme widersprochen (Art. 21 DSGVO). Sie darf nicht erneut als Lead angelegt oder angeschrieben werden; erst eine neue Einwilligung über das Formular hebt den Widerspruch auf.";

    private readonly byte[] _key;

    public ObjectionHashes(PrivacySettings settings)
    {
        try { _key = Convert.FromBase64String(settings.ObjectionHashKey); }
        catch (FormatException) { _key = []; }
        if (_key.Length != 32)
            throw new InvalidOperationException("Setting 'Privacy:ObjectionHashKey' must be 32 random bytes in base64 (from Key Vault in Azure).");
    }

    /// <summary>The hash of an e-mail address (trimmed, lower case).</summary>
    public byte[] Email(string email) => Hash("email:" + email.Trim().ToLowerInvariant());

    /// <summary>The hash of a handle on a channel (trimmed, lower case, without a leading @).</summary>
    public byte[] Handle(string channel, string handle) =>
        Hash("handle:" + channel.Trim().ToLowerInvariant() + ":" + handle.Trim().TrimStart('@').ToLowerInvariant());

    /// <summary>The hashes of a lead's e-mail and handle (null where it has none).</summary>
    public (byte[]? Email, byte[]? Handle) Of(string? email, string? channel, string? handle) =>
        (email is null ? null : Email(email), channel is null || handle is null ? null : Handle(channel, handle));

    private byte[] Hash(string value) => HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(value));

    private const string ActiveSql = """
        select o.kind from public.objections o
        where o.lifted_at is null
          and ((o.kind = 'email' and o.hash = @EmailHash::bytea) or (o.kind = 'handle' and o.hash = @HandleHash::bytea))
        """;

    /// <summary>The kinds ("email", "handle") of the active objections among the two hashes (inside the caller's transaction).</summary>
    public static async Task<IReadOnlySet<string>> ActiveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        byte[]? emailHash, byte[]? handleHash, CancellationToken ct)
    {
        if (emailHash is null && handleHash is null) return new HashSet<string>();
        var kinds = await connection.QueryAsync<string>(new CommandDefinition(ActiveSql,
            new { EmailHash = emailHash, HandleHash = handleHash }, transaction, cancellationToken: ct));
        return kinds.ToHashSet(StringComparer.Ordinal);
    }
}
