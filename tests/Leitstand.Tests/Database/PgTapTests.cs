using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;
using Npgsql;
using Xunit.Abstractions;

namespace Leitstand.Tests.Database;

/// <summary>
/// Runs every pgTAP file in supabase/tests with pg_prove against its own freshly migrated database, a clone of the
/// stack's template (so rows that other tests write never change what the SQL tests count).
/// </summary>
[Collection(StackCollection.Name)]
public sealed class PgTapTests(StackFixture stack, ITestOutputHelper output)
{
    private static readonly SemaphoreSlim Setup = new(1, 1);
    private static bool _prepared;
    private const string Database = "pgtap";

    public static TheoryData<string> Files() =>
        new(Directory.GetFiles(Path.Combine(RepoPaths.Supabase, "tests"), "*.sql").Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(Files))]
    public async Task SQL_test_file_passes(string file)
    {
        await PrepareDatabaseAsync();
        var pgProve = new[] { "/usr/bin/pg_prove", "/usr/local/bin/pg_prove" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("pg_prove not found: apt-get install postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl");

        string result;
        try
        {
            result = await Processes.RunAsync(pgProve,
                ["-h", "127.0.0.1", "-p", stack.Postgres.Port.ToString(), "-U", "postgres", "-d", Database, "--verbose",
                 Path.Combine(RepoPaths.Supabase, "tests", file)]);
        }
        catch (InvalidOperationException ex)
        {
            output.WriteLine(ex.Message);
            throw;
        }
        output.WriteLine(result);
        Assert.Contains("Result: PASS", result);
    }

    [Fact]
    public void Every_SQL_test_file_has_a_number_of_its_own()
    {
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Supabase, "tests"), "*.sql").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();

        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.Matches(@"^[0-9]{2}_[a-z0-9_]+\.sql$", f));
        var shared = files.GroupBy(f => f![..2]).Where(g => g.Count() > 1).Select(g => string.Join(" and ", g)).ToList();
        Assert.True(shared.Count == 0, $"supabase/tests: {string.Join("; ", shared)} share a number; give the newer one the next free number.");
    }

    private async Task PrepareDatabaseAsync()
    {
        await Setup.WaitAsync();
        try
        {
            if (_prepared) return;
            await using (var admin = await stack.Admin.OpenConnectionAsync())
            await using (var command = new NpgsqlCommand($"drop database if exists {Database}; create database {Database} template {StackFixture.TemplateDatabase}", admin))
                await command.ExecuteNonQueryAsync();
            // pgTAP is not a trusted extension: the superuser installs it (on Supabase: the dashboard), the files
            // themselves run as postgres, which is not a superuser there.
            await using (var superuser = new NpgsqlConnection(stack.Postgres.SuperuserConnectionString(Database)))
            {
                await superuser.OpenAsync();
                await using var command = new NpgsqlCommand("create extension if not exists pgtap", superuser);
                await command.ExecuteNonQueryAsync();
            }
            // The files switch to the functions' role (set role leitstand_functions), which takes membership when
            // postgres is no superuser. postgres created the role, so it may grant it to itself, on Supabase as well.
            await using (var admin = new NpgsqlConnection(stack.Postgres.AdminConnectionString(Database)))
            {
                await admin.OpenAsync();
                await using var command = new NpgsqlCommand("grant leitstand_functions to postgres", admin);
                await command.ExecuteNonQueryAsync();
            }
            _prepared = true;
        }
        finally
        {
            Setup.Release();
        }
    }
}
