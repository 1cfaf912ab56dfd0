using System.Text;

namespace EdgeMlops.Packaging.Tests.Manifest;

public sealed class ModelManifestJsonTests
{
    private static ModelManifest SmallManifest() => new()
    {
        FormatVersion = 1,
        Name = "m",
        Version = "1.0.0",
        Labels = ["van", "car"],
        Input = new ModelInputSpec
        {
            TensorName = "input",
            Width = 2,
            Height = 2,
            Channels = 3,
            Layout = TensorLayout.Nchw,
            ColorOrder = ColorOrder.Bgr,
            Scale = 0.5,
            Mean = [0, 0, 0],
            Std = [1, 1, 1],
        },
        Output = new ModelOutputSpec { TensorName = "probs", Kind = OutputKind.Probabilities },
        Files = [new PackageFileEntry { Path = "model.onnx", Sha256 = new string('a', 64), Size = 3 }],
        Lineage = new ModelLineage { ParentVersion = "0.9.0" },
        Metrics =
        [
            new EvaluationMetrics
            {
                Set = "s",
                Samples = 2,
                MacroPrecision = 1,
                MacroRecall = 0.5,
                Accuracy = 0.5,
                Precision = new Dictionary<string, double> { ["van"] = 1, ["car"] = 0.5 },
                Recall = new Dictionary<string, double> { ["van"] = 0, ["car"] = 1 },
            },
        ],
        CreatedAt = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero),
        Signature = new ManifestSignature { Algorithm = ManifestSignature.EcdsaP256Sha256, KeyId = "0123456789abcdef", Value = "AAAA" },
    };

    [Fact]
    public void Signing_bytes_are_compact_camel_case_json_in_declaration_order_without_the_signature()
    {
        // One line in the real bytes; split here by property for reading.
        var expected = """
            {"formatVersion":1,"name":"m","version":"1.0.0","labels":["van","car"],
            "input":{"tensorName":"input","width":2,"height":2,"channels":3,"layout":"NCHW","colorOrder":"BGR","scale":0.5,"mean":[0,0,0],"std":[1,1,1]},
            "output":{"tensorName":"probs","kind":"probabilities"},
            "files":[{"path":"model.onnx","sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","size":3}],
            "lineage":{"parentVersion":"0.9.0"},
            "metrics":[{"set":"s","samples":2,"macroPrecision":1,"macroRecall":0.5,"accuracy":0.5,"precision":{"car":0.5,"van":1},"recall":{"car":1,"van":0}}],
            "createdAt":"2025-01-02T03:04:05+00:00"}
            """.ReplaceLineEndings("");

        Assert.Equal(expected, Encoding.UTF8.GetString(ModelManifestJson.GetSigningBytes(SmallManifest())));
    }

    [Fact]
    public void Indented_manifest_parses_back_to_the_same_signing_bytes()
    {
        var manifest = SmallManifest();

        var parsed = ModelManifestJson.Parse(ModelManifestJson.Serialize(manifest, indented: true));

        Assert.Equal(ModelManifestJson.GetSigningBytes(manifest), ModelManifestJson.GetSigningBytes(parsed));
        Assert.Equal(manifest.Signature, parsed.Signature);
    }

    [Fact]
    public void Duplicate_label_in_a_metric_map_is_MalformedManifest()
    {
        var failure = ParseFails(SmallManifestJson().Replace("\"precision\":{\"car\":0.5,", "\"precision\":{\"car\":0.5,\"car\":0.9,"));

        Assert.Equal(ModelPackageError.MalformedManifest, failure.Error);
        Assert.Contains("'car' appears twice", failure.Message);
    }

    [Fact]
    public void Duplicate_property_is_MalformedManifest()
    {
        var failure = ParseFails(SmallManifestJson().Replace("\"name\":\"m\",", "\"name\":\"m\",\"name\":\"n\","));

        Assert.Equal(ModelPackageError.MalformedManifest, failure.Error);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"name":"m"}""")]
    [InlineData("""{"formatVersion":"1"}""")]
    public void Manifest_without_an_integer_format_version_is_MalformedManifest(string json)
    {
        var failure = ParseFails(json);

        Assert.Equal(ModelPackageError.MalformedManifest, failure.Error);
    }

    [Fact]
    public void Unknown_color_order_is_MalformedManifest_naming_the_field()
    {
        var failure = ParseFails(SmallManifestJson().Replace("\"BGR\"", "\"CMYK\""));

        Assert.Equal(ModelPackageError.MalformedManifest, failure.Error);
        Assert.Contains("colorOrder", failure.Message);
    }

    private static string SmallManifestJson() => Encoding.UTF8.GetString(ModelManifestJson.Serialize(SmallManifest(), indented: false));

    private static ModelPackageException ParseFails(string json) =>
        Assert.Throws<ModelPackageException>(() => ModelManifestJson.Parse(Encoding.UTF8.GetBytes(json)));
}
