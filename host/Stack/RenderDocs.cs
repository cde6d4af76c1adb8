using Leitstand.Pipeline;
using Npgsql;

namespace Leitstand.LocalHost.Stack;

/// <summary>Renders docs/ from the playbook rows: migrations applied to a throwaway cluster, documents written.</summary>
public static class RenderDocs
{
    public static async Task<int> RunAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "leitstand-docs-" + Guid.NewGuid().ToString("N")[..8]);
        await using var postgres = new PostgresCluster(directory, Processes.FreeTcpPort(), throwaway: true);
        try
        {
            await postgres.StartAsync();
            await LocalDatabase.PrepareAsync(postgres, RepoPaths.Supabase, seed: false);
            await using var connection = new NpgsqlConnection(postgres.AdminConnectionString());
            await connection.OpenAsync();
            foreach (var (path, markdown) in await PlaybookDocuments.RenderAsync(connection))
            {
                var file = Path.Combine(RepoPaths.Root, "docs", path);
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                await File.WriteAllTextAsync(file, markdown);
                Console.WriteLine($"geschrieben: docs/{path}");
            }
            return 0;
        }
        finally
        {
            await postgres.StopAsync();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
