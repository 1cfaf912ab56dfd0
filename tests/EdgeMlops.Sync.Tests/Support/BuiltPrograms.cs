using System.Reflection;

namespace EdgeMlops.Sync.Tests.Support;

/// <summary>The agent and hub as built next to this checkout, in the configuration these tests were built in.</summary>
internal static class BuiltPrograms
{
    public static string RepositoryRoot { get; } = FindRoot();

    private static readonly string Configuration =
        typeof(BuiltPrograms).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    public static string EdgeAgent => Program("edge-agent", "edge-agent");

    public static string CloudHub => Program("cloud-hub", "cloud-hub");

    private static string Program(string project, string assembly)
    {
        var path = Path.Combine(RepositoryRoot, project, "bin", Configuration, "net10.0", assembly + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{assembly} is not built: {path}");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EdgeMlops.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"No EdgeMlops.sln above {AppContext.BaseDirectory}.");
    }
}
