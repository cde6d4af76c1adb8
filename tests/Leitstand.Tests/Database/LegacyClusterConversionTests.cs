using Dapper;
using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;
using Npgsql;

namespace Leitstand.Tests.Database;

/// <summary>
/// A developer's .local/postgres from before the Supabase role layout (initdb -U postgres, migrations applied by the
/// superuser postgres) keeps working with scripts/start: PostgresCluster converts it (superuser supabase_admin,
/// postgres no longer one), bootstrap.sql brings the roles and auth in line, the remaining migrations and the seed
/// run as postgres, and the data stays.
/// </summary>
public sealed class LegacyClusterConversionTests
{
    private const string FirstMigration = "20261125094000_crm_schema.sql";
    /// <summary>Old clusters were made by the default binaries of their time, Debian's PostgreSQL 15.</summary>
    private const string Postgres15 = "/usr/lib/postgresql/15/bin";

    [Fact]
    public async Task An_old_cluster_with_superuser_postgres_is_converted_on_start_and_keeps_its_data()
    {
        var directory = Path.Combine(Path.GetTempPath(), "leitstand-legacy-" + Guid.NewGuid().ToString("N")[..8]);
        var port = Processes.FreeTcpPort();
        var cluster = new PostgresCluster(directory, port, throwaway: true, Postgres15);
        try
        {
            var userId = await CreateLegacyClusterAsync(cluster, directory, port);

            Assert.False(await cluster.StartAsync());
            Assert.True(cluster.Converted);
            await PiiCapture.RecordAsync(cluster); // seed.sql's people, known to the scan
            var applied = await LocalDatabase.PrepareAsync(cluster, RepoPaths.Supabase, seed: true);

            var migrations = Directory.GetFiles(Path.Combine(RepoPaths.Supabase, "migrations"), "*.sql").Select(Path.GetFileName).ToList();
            Assert.DoesNotContain(FirstMigration, applied);
            Assert.Equal(migrations.Count - 1 + 1, applied.Count); // the other migrations and seed.sql

            await using var admin = new NpgsqlConnection(cluster.AdminConnectionString());
            Assert.False(await admin.ExecuteScalarAsync<bool>("select rolsuper from pg_roles where rolname = 'postgres'"));
            Assert.True(await admin.ExecuteScalarAsync<bool>("select rolsuper from pg_roles where rolname = 'supabase_admin'"));
            Assert.Equal(3, await admin.ExecuteScalarAsync<int>("select count(*) from pg_roles where rolname in ('anon', 'authenticated', 'service_role') and rolinherit"));
            Assert.Equal("supabase_auth_admin", await admin.ExecuteScalarAsync<string>("select tableowner from pg_tables where schemaname = 'auth' and tablename = 'users'"));
            Assert.Equal("Alt Bestand", await admin.ExecuteScalarAsync<string>("select display_name from public.team_members where user_id = @userId", new { userId }));
            Assert.Equal(migrations.Count, await admin.ExecuteScalarAsync<int>("select count(*) from supabase_migrations.schema_migrations"));

            await using (var functions = new NpgsqlConnection(cluster.FunctionsConnectionString() + ";Pooling=false"))
                Assert.True(await functions.ExecuteScalarAsync<int>("select count(*) from public.leads") >= 10);

            // The next start finds a converted cluster: nothing to do.
            await cluster.StopAsync();
            Assert.False(await cluster.StartAsync());
            Assert.False(cluster.Converted);
            Assert.Empty(await LocalDatabase.PrepareAsync(cluster, RepoPaths.Supabase, seed: true));
        }
        finally
        {
            await cluster.StopAsync();
            PiiCapture.CopyLog(cluster.LogFile);
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    [Fact]
    public async Task An_old_cluster_that_cannot_be_converted_stops_with_a_german_message_to_delete_it()
    {
        // From PostgreSQL 16 on, the cluster's first role (here postgres) must stay a superuser.
        var directory = Path.Combine(Path.GetTempPath(), "leitstand-legacy17-" + Guid.NewGuid().ToString("N")[..8]);
        var port = Processes.FreeTcpPort();
        var cluster = new PostgresCluster(directory, port, throwaway: true, PostgresCluster.Postgres17BinDirectory);
        try
        {
            await CreateLegacyClusterAsync(cluster, directory, port);

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => cluster.StartAsync());

            Assert.StartsWith($"Der PostgreSQL-Cluster in {directory} stammt aus der Zeit vor den Supabase-Rollen", error.Message);
            Assert.Contains("Lösche den Ordner", error.Message);
            Assert.False(cluster.Converted);
        }
        finally
        {
            await cluster.StopAsync();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>initdb -U postgres, the old bootstrap and the first migration as the superuser postgres, a team member; stopped.</summary>
    private static async Task<Guid> CreateLegacyClusterAsync(PostgresCluster cluster, string directory, int port)
    {
        Directory.CreateDirectory(directory);
        if (Processes.IsRoot) await Processes.RunAsync("chown", ["postgres:postgres", directory]);
        var pgCtl = Path.Combine(cluster.BinDirectory, "pg_ctl");
        await Processes.RunAsync(Path.Combine(cluster.BinDirectory, "initdb"),
            ["-D", cluster.DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], asPostgresUser: true);
        await Processes.RunAsync(pgCtl, ["-D", cluster.DataDirectory, "-o", $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off",
            "-l", cluster.LogFile, "-w", "-t", "60", "start"], asPostgresUser: true);
        try
        {
            await using var legacy = new NpgsqlConnection(cluster.AdminConnectionString());
            await legacy.OpenAsync();
            Assert.True(await legacy.ExecuteScalarAsync<bool>("select rolsuper from pg_roles where rolname = current_user"));
            await legacy.ExecuteAsync(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "tests", "Leitstand.Tests", "Database", "LegacyClusterBootstrap.sql")));
            await legacy.ExecuteAsync("""
                create schema supabase_migrations;
                create table supabase_migrations.schema_migrations (version text primary key, statements text[], name text);
                create table supabase_migrations.seed_files (path text primary key, hash text not null);
                insert into supabase_migrations.schema_migrations (version, name) values ('20261125094000', 'crm_schema');
                """);
            await legacy.ExecuteAsync(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Supabase, "migrations", FirstMigration)));
            await legacy.ExecuteAsync(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Supabase, "local", "after-migrations.sql")));
            return await legacy.ExecuteScalarAsync<Guid>("""
                with u as (insert into auth.users (email) values ('alt@example.de') returning id)
                insert into public.team_members (user_id, display_name) select id, 'Alt Bestand' from u returning user_id
                """);
        }
        finally
        {
            await Processes.RunAsync(pgCtl, ["-D", cluster.DataDirectory, "-m", "fast", "-w", "stop"], asPostgresUser: true);
        }
    }
}
