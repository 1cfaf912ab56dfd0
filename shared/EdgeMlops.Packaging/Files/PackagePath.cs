namespace EdgeMlops.Packaging;

/// <summary>Rules for paths inside a package, shared by manifest validation and zip extraction.</summary>
internal static class PackagePath
{
    /// <summary>
    /// Whether <paramref name="path"/> names a file strictly inside the package: forward slashes only, no leading
    /// slash, no empty, <c>.</c> or <c>..</c> segment. Backslashes and colons are refused too because Windows reads
    /// them as separators and drive letters.
    /// </summary>
    public static bool IsSafeRelative(string path) =>
        path.Length > 0
        && !path.Any(c => c is '\\' or ':' || char.IsControl(c))
        && path.Split('/').All(segment => segment is not ("" or "." or ".."));
}
