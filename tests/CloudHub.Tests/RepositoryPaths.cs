namespace EdgeMlops.CloudHub.Tests;

/// <summary>Finds the checkout's root from the test binary, so tests can use the committed seed model and keys.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();
    public static string SeedModel => Path.Combine(Root, "models", "vehicle-classifier");
    public static string Keys => Path.Combine(Root, "models", "keys");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EdgeMlops.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"No EdgeMlops.sln above {AppContext.BaseDirectory}.");
    }
}
