using Npgsql;

namespace Leitstand.Functions;

/// <summary>
/// The database connection (section "Database"): an Npgsql connection string for the role leitstand_functions.
/// In Azure it comes from Key Vault and goes through Supabase's Supavisor in transaction mode
/// (docs/betrieb/deployment.md, "Datenbankverbindung"). Validated at start (<see cref="Validate"/>).
/// </summary>
public sealed class DatabaseSettings
{
    /// <summary>Supabase's pooler port for transaction mode (Supavisor, and the dedicated PgBouncer).</summary>
    public const int TransactionPoolerPort = 6543;

    public string ConnectionString { get; set; } = "";

    /// <summary>One English message per bad value; never echoes the connection string (it holds the password).</summary>
    public IReadOnlyList<string> Validate()
    {
        if (ConnectionString.Length == 0)
            return ["Database__ConnectionString is required (Npgsql, role leitstand_functions; Key Vault in Azure)."];
        NpgsqlConnectionStringBuilder builder;
        try { builder = new NpgsqlConnectionStringBuilder(ConnectionString); }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            return ["Database__ConnectionString is not an Npgsql connection string (Host=…;Port=…;Username=…;Password=…), see docs/betrieb/deployment.md."];
        }

        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(builder.Host))
            errors.Add("Database__ConnectionString has no Host.");
        else if (!IsLocal(builder.Host) && builder.SslMode is not (SslMode.Require or SslMode.VerifyCA or SslMode.VerifyFull))
            errors.Add($"Database__ConnectionString must encrypt the connection to {builder.Host} (SSL Mode=Require or VerifyFull).");
        if (builder.Port == TransactionPoolerPort && builder.MaxAutoPrepare > 0)
            errors.Add($"Database__ConnectionString must have Max Auto Prepare=0 on port {TransactionPoolerPort}: Supavisor's transaction mode does not support prepared statements.");
        return errors;
    }

    private static bool IsLocal(string host) =>
        host.Split(',').All(h => h.Trim() is "localhost" or "127.0.0.1" or "::1" || h.Trim().StartsWith('/'));
}
