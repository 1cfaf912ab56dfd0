namespace EdgeMlops.Packaging;

/// <summary>Fixed names inside a package directory (and, with forward slashes, inside its zip).</summary>
public static class PackageLayout
{
    /// <summary>The signed manifest, at the package root; the only file it does not list.</summary>
    public const string ManifestFile = "manifest.json";

    /// <summary>The ONNX model, at the package root.</summary>
    public const string ModelFile = "model.onnx";

    /// <summary>The optional labelled canary set, laid out as <c>canary/&lt;label&gt;/&lt;file&gt;</c>.</summary>
    public const string CanaryDirectory = "canary";
}
