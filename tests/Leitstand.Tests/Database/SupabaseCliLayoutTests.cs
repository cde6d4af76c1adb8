using System.Globalization;
using System.Text.RegularExpressions;
using Leitstand.LocalHost.Stack;

namespace Leitstand.Tests.Database;

/// <summary>
/// supabase/ as the Supabase CLI expects it, so that `supabase db push` applies the migrations in production (the CLI
/// itself cannot be installed here): migration files named &lt;14-digit UTC timestamp&gt;_&lt;name&gt;.sql, unique and in
/// order, and a config.toml in the CLI's layout that matches the local stack.
/// </summary>
public sealed partial class SupabaseCliLayoutTests
{
    private static string Migrations => Path.Combine(RepoPaths.Supabase, "migrations");

    [Fact]
    public void Every_migration_is_named_with_a_utc_timestamp_as_supabase_db_push_expects()
    {
        var files = Directory.GetFiles(Migrations).Select(Path.GetFileName).ToList();

        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var match = MigrationName().Match(file!);
            Assert.True(match.Success, $"supabase/migrations/{file}: must be <yyyyMMddHHmmss>_<name>.sql (lower-case name), or `supabase db push` skips it.");
            Assert.True(DateTime.TryParseExact(match.Groups["version"].Value, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
                $"supabase/migrations/{file}: {match.Groups["version"].Value} is not a date and time.");
        }
    }

    [Fact]
    public void Migration_versions_are_unique_and_the_order_of_the_names_is_the_order_of_the_versions()
    {
        var versions = Directory.GetFiles(Migrations, "*.sql").Select(Path.GetFileName).Order(StringComparer.Ordinal)
            .Select(f => f![..14]).ToList();

        Assert.Equal(versions.Distinct().Count(), versions.Count);
        Assert.Equal(versions.OrderBy(v => long.Parse(v, CultureInfo.InvariantCulture)), versions);
    }

    [Fact]
    public void Config_toml_has_the_cli_layout_and_matches_the_local_stack()
    {
        var config = SupabaseConfig.Read();

        // Only sections of the CLI's template (pkg/config/templates/config.toml); an unknown one would be a typo.
        string[] known = ["", "api", "api.tls", "db", "db.pooler", "db.migrations", "db.seed", "db.network_restrictions", "db.vault", "realtime",
            "studio", "inbucket", "storage", "auth", "auth.rate_limit", "auth.email", "auth.email.smtp", "auth.sms", "auth.sessions",
            "auth.mfa", "auth.mfa.totp", "auth.mfa.phone", "auth.hook.custom_access_token", "edge_runtime", "analytics", "experimental"];
        var unknown = config.Keys.Select(k => k[..Math.Max(0, k.LastIndexOf('.'))]).Distinct().Except(known).ToList();
        Assert.True(unknown.Count == 0, $"config.toml: sections the CLI does not know: {string.Join(", ", unknown)}");

        Assert.Equal("\"leitstand\"", config["project_id"]);
        Assert.Equal("54322", config["db.port"]); // scripts/start's PostgreSQL
        Assert.Equal("15", config["db.major_version"]); // the PostgreSQL the tests run on
        Assert.Equal("true", config["db.migrations.enabled"]);
        Assert.Equal("[\"./seed.sql\"]", config["db.seed.sql_paths"]);
        Assert.True(File.Exists(Path.Combine(RepoPaths.Supabase, "seed.sql")));
        // The team is invited; nobody signs up.
        Assert.Equal("false", config["auth.enable_signup"]);
        Assert.Equal("false", config["auth.email.enable_signup"]);
        Assert.Equal("false", config["auth.enable_anonymous_sign_ins"]);
    }

    [Fact]
    public void Schema_paths_list_every_schema_file_once_and_nothing_else()
    {
        var listed = SupabaseConfig.Array(SupabaseConfig.Read()["db.migrations.schema_paths"]);
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Supabase, "schemas")).Select(f => "./schemas/" + Path.GetFileName(f)).Order(StringComparer.Ordinal);

        Assert.Equal(listed.Distinct().Count(), listed.Count);
        foreach (var path in listed)
            Assert.True(File.Exists(Path.Combine(RepoPaths.Supabase, path)), $"config.toml schema_paths: {path} does not exist.");
        Assert.Equal(files, listed.Order(StringComparer.Ordinal));
        // The rows the rules read come after every table they fill.
        Assert.Equal("./schemas/reference_data.sql", listed[^1]);
    }

    [GeneratedRegex(@"^(?<version>\d{14})_(?<name>[a-z0-9][a-z0-9_]*)\.sql$")]
    private static partial Regex MigrationName();
}
