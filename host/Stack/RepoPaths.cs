namespace Leitstand.LocalHost.Stack;

/// <summary>Finds the repository (the folder with Functions.sln) from the current or the program's folder.</summary>
public static class RepoPaths
{
    public static string Root { get; } = Find();

    public static string Supabase => Path.Combine(Root, "supabase");
    public static string Landing => Path.Combine(Root, "web", "landing");
    /// <summary>The status center as Vite builds it (npm run build:status); served at /status/.</summary>
    public static string StatusCenter => Path.Combine(Root, "web", "status", "dist");
    public static string LocalData => Path.Combine(Root, ".local");

    private static string Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Functions.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Repository root (the folder with Functions.sln) not found; run from inside the repository.");
    }
}
