using Dapper;
using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;
using Npgsql;

namespace Leitstand.Tests.Database;

/// <summary>
/// Migrations run as postgres, which is not a superuser on Supabase: a statement only a superuser may run fails
/// locally and in the tests as it would fail `supabase db push`, naming the file.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class MigrationsAsNonSuperuserTests(StackFixture stack) : IDisposable
{
    private readonly string _supabase = Path.Combine(Path.GetTempPath(), "leitstand-supabase-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task A_migration_that_needs_a_superuser_fails_and_names_its_file()
    {
        CopyLocalFiles();
        var migration = Path.Combine(_supabase, "migrations", "20000101000000_needs_superuser.sql");
        File.WriteAllText(migration, """
            create function public.note_ddl() returns event_trigger language plpgsql as $$ begin end $$;
            create event trigger note_ddl on ddl_command_end execute function public.note_ddl();
            """);
        var database = await NewDatabaseAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            LocalDatabase.PrepareAsync(stack.Postgres, _supabase, seed: false, database));

        Assert.StartsWith("20000101000000_needs_superuser.sql: permission denied", error.Message);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, Assert.IsType<PostgresException>(error.InnerException).SqlState);
        Assert.Contains("not a superuser", error.Message);
        await using (var connection = new NpgsqlConnection(stack.Postgres.AdminConnectionString(database)))
            Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from supabase_migrations.schema_migrations"));
        // The file itself is fine for a superuser: only the role makes the difference.
        var other = await NewDatabaseAsync();
        await LocalDatabase.ExecuteFileAsync(stack.Postgres.SuperuserConnectionString(other), migration);
        await using (var superuser = new NpgsqlConnection(stack.Postgres.SuperuserConnectionString(other)))
            await superuser.ExecuteAsync("drop event trigger note_ddl");
    }

    [Fact]
    public async Task Preparing_a_database_refuses_to_run_the_migrations_as_a_superuser()
    {
        CopyLocalFiles();
        var superuser = stack.Postgres.SuperuserConnectionString(await NewDatabaseAsync());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            LocalDatabase.PrepareAsync(superuser, superuser, _supabase, seed: false));

        Assert.StartsWith("Migrations must run as a role that is not a superuser", error.Message);
    }

    private void CopyLocalFiles()
    {
        Directory.CreateDirectory(Path.Combine(_supabase, "migrations"));
        Directory.CreateDirectory(Path.Combine(_supabase, "local"));
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Supabase, "local")))
            File.Copy(file, Path.Combine(_supabase, "local", Path.GetFileName(file)));
    }

    private async Task<string> NewDatabaseAsync()
    {
        var database = "nosuper_" + Guid.NewGuid().ToString("N")[..8];
        await stack.Postgres.CreateDatabaseAsync(database);
        return database;
    }

    public void Dispose()
    {
        try { Directory.Delete(_supabase, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
