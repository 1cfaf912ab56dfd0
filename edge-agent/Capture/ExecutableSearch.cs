namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>Finds a program the way a shell would, so a missing one is known before the first camera needs it.</summary>
internal static class ExecutableSearch
{
    /// <summary>The full path of <paramref name="nameOrPath"/>, or null when it is not an existing file.</summary>
    public static string? Find(string nameOrPath)
    {
        if (nameOrPath.Contains(Path.DirectorySeparatorChar))
            return File.Exists(nameOrPath) ? Path.GetFullPath(nameOrPath) : null;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, nameOrPath))
            .FirstOrDefault(File.Exists);
    }
}
