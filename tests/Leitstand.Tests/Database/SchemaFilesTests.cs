using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;
using Npgsql;

namespace Leitstand.Tests.Database;

/// <summary>
/// supabase/schemas/ (the current schema, one file per feature, applied in config.toml's schema_paths order) and
/// supabase/migrations/ (the history deployed databases went through) build the same database: the same catalogue
/// (SchemaCatalogue) and the same rows. Both databases are new ones in the shared test cluster, without seed.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class SchemaFilesTests(StackFixture stack)
{
    [Fact]
    public async Task The_schema_files_build_the_same_database_as_the_migrations()
    {
        var migrated = await CreateDatabaseAsync("schema_migrations");
        var declared = await CreateDatabaseAsync("schema_files");
        try
        {
            await LocalDatabase.PrepareAsync(stack.Postgres, RepoPaths.Supabase, seed: false, migrated);
            await ApplySchemaFilesAsync(declared);

            var expected = await SchemaCatalogue.ReadAsync(stack.Postgres.AdminConnectionString(migrated));
            var actual = await SchemaCatalogue.ReadAsync(stack.Postgres.AdminConnectionString(declared));

            var diff = SchemaCatalogue.Diff(expected, actual);
            Assert.True(diff.Length == 0,
                "The schema files (supabase/schemas) and the migrations (supabase/migrations) build different databases. " +
                "Change the schema file and add a migration that brings a deployed database there (supabase/README.md).\n" + diff);
        }
        finally
        {
            await DropDatabaseAsync(migrated);
            await DropDatabaseAsync(declared);
        }
    }

    [Fact]
    public async Task The_catalogue_holds_every_kind_of_object_and_the_reference_rows()
    {
        var database = await CreateDatabaseAsync("schema_kinds");
        try
        {
            await ApplySchemaFilesAsync(database);
            var catalogue = await SchemaCatalogue.ReadAsync(stack.Postgres.AdminConnectionString(database));

            string[] kinds = ["schema", "table", "sequence", "column", "constraint", "index", "function", "trigger", "policy", "enum", "domain",
                "default privileges", "row"];
            foreach (var kind in kinds)
                Assert.Contains(catalogue.Keys, k => k.StartsWith(kind + " ", StringComparison.Ordinal));
            // The reference rows, as data: each table has its rows.
            string[] reference = ["error_classes", "playbooks", "playbook_steps", "alert_routes", "task_settings", "stale_stage_limits",
                "weekly_targets", "touchpoint_note_codes", "lead_stage_transitions", "packages", "stage_probabilities", "kpi_settings",
                "lead_stages", "alert_kinds"];
            foreach (var table in reference)
                Assert.Contains(catalogue.Keys, k => k.StartsWith($"row public.{table} ", StringComparison.Ordinal));
            Assert.Contains("row level security", catalogue["table public.leads"]);
            Assert.Contains("options fillfactor=70", catalogue["table public.agents"]);
            Assert.Contains("labels 'NEW', 'CONTACTED', 'REPLIED', 'QUALIFIED', 'CALL_BOOKED', 'WON', 'LOST'", catalogue["enum public.lead_stage"]);
            Assert.Contains("leitstand_functions=EXECUTE/postgres", catalogue["function public.kpi_board(p_kind text, p_start date, p_at timestamp with time zone)"]);
            Assert.Contains("for all | to authenticated", catalogue["policy public.leads.leads_team"]);
            Assert.Equal("""{"id": 1, "kind": "*", "note": "Kritisch: jeder Kanal, zu jeder Stunde", "enabled": true, "channels": ["slack", "teams", "telegram", "email", "webhook"], "quiet_to": null, "alert_kind": null, "quiet_from": null, "group_window": "00:00:10", "min_severity": "critical", "escalate_after": "00:15:00", "reminder_interval": "00:30:00", "escalation_channels": ["slack", "teams", "telegram", "email", "webhook"]}""",
                catalogue["""row public.alert_routes {"id": 1}"""]);
        }
        finally
        {
            await DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task A_changed_function_body_is_reported_by_name_with_the_lines_on_both_sides()
    {
        var database = await CreateDatabaseAsync("schema_changed");
        try
        {
            var connectionString = stack.Postgres.AdminConnectionString(database);
            await ApplySchemaFilesAsync(database);
            var before = await SchemaCatalogue.ReadAsync(connectionString);
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("""
                    create or replace function public.german_days(p_days integer)
                    returns text
                    language sql immutable as $$
                      select case when p_days <= 0 then 'heute' when p_days = 1 then 'ein Tag' else p_days || ' Tagen' end
                    $$;
                    revoke all on public.weekly_targets from leitstand_functions;
                    """, connection);
                await command.ExecuteNonQueryAsync();
            }
            var after = await SchemaCatalogue.ReadAsync(connectionString);

            var diff = SchemaCatalogue.Diff(before, after);

            Assert.StartsWith("2 object(s) differ between migrations and schema files:", diff);
            Assert.Contains("\nfunction public.german_days(p_days integer)\n", diff);
            Assert.Contains("migrations:      6|   select case when p_days <= 0 then 'heute' when p_days = 1 then '1 Tag' else p_days || ' Tagen' end\n", diff);
            Assert.Contains("schema files:    6|   select case when p_days <= 0 then 'heute' when p_days = 1 then 'ein Tag' else p_days || ' Tagen' end\n", diff);
            Assert.Contains("\ntable public.weekly_targets\n", diff);
            Assert.DoesNotContain("kpi_board", diff);
        }
        finally
        {
            await DropDatabaseAsync(database);
        }
    }

    [Fact]
    public void The_diff_names_each_differing_object_with_its_definition_on_both_sides_and_nothing_else()
    {
        var left = new Dictionary<string, string>
        {
            ["column public.leads.email"] = "#3 | text",
            ["function public.f()"] = "line 1\nline 2\nline 3",
            ["index public.gone"] = "CREATE INDEX gone ON public.t USING btree (a)",
            ["table public.same"] = "owner postgres",
        };
        var right = new Dictionary<string, string>
        {
            ["column public.leads.email"] = "#3 | text | not null",
            ["function public.f()"] = "line 1\nline two\nline 3",
            ["table public.same"] = "owner postgres",
        };

        Assert.Equal("", SchemaCatalogue.Diff(left, left));
        Assert.Equal("""
            3 object(s) differ between migrations and schema files:

            column public.leads.email
              migrations:   #3 | text
              schema files: #3 | text | not null

            function public.f()
              migrations:      2| line 2
              schema files:    2| line two

            index public.gone
              migrations:   CREATE INDEX gone ON public.t USING btree (a)
              schema files: (missing)

            """.ReplaceLineEndings("\n"), SchemaCatalogue.Diff(left, right));
    }

    /// <summary>
    /// bootstrap.sql (what Supabase provides) as the superuser supabase_admin, then every schema file in config.toml's
    /// order as postgres (not a superuser, like the migrations), each in a transaction.
    /// </summary>
    private async Task ApplySchemaFilesAsync(string database)
    {
        await LocalDatabase.BootstrapAsync(stack.Postgres.SuperuserConnectionString(database), RepoPaths.Supabase);
        await using var connection = new NpgsqlConnection(stack.Postgres.AdminConnectionString(database));
        await connection.OpenAsync();
        foreach (var file in SupabaseConfig.SchemaPaths())
        {
            await using var tx = await connection.BeginTransactionAsync();
            try
            {
                await using var command = new NpgsqlCommand(await File.ReadAllTextAsync(file), connection, tx);
                await command.ExecuteNonQueryAsync();
                await tx.CommitAsync();
            }
            catch (PostgresException ex)
            {
                throw new InvalidOperationException($"{Path.GetRelativePath(RepoPaths.Supabase, file)}: {ex.MessageText} ({ex.SqlState}) {ex.Where}", ex);
            }
        }
    }

    private async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = prefix + "_" + Guid.NewGuid().ToString("N")[..8];
        await using var admin = await stack.Admin.OpenConnectionAsync();
        await using var command = new NpgsqlCommand($"create database {name}", admin);
        await command.ExecuteNonQueryAsync();
        return name;
    }

    /// <summary>
    /// As the superuser: the bootstrap leaves pooled connections of supabase_admin open in the database, and only a
    /// superuser may end another role's sessions (postgres may not, so WITH (FORCE) failed at random).
    /// </summary>
    private async Task DropDatabaseAsync(string name)
    {
        await using var admin = new NpgsqlConnection(stack.Postgres.SuperuserConnectionString());
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand($"drop database if exists {name} with (force)", admin);
        await command.ExecuteNonQueryAsync();
    }
}
