using System.Security.Cryptography;
using EdgeMlops.Onnx.Tests.Support;

namespace EdgeMlops.Onnx.Tests;

public sealed class ExternalDataTests : IDisposable
{
    // SmallCnn's convolution weights are 432 and 864 bytes, its head 120: this threshold moves the
    // convolutions out and keeps the head inline, as a real backbone and head would be split.
    private const int ConvolutionsOnly = 400;

    private readonly TempDirectory directory = new("edgemlops-onnx-external-");

    public void Dispose() => directory.Dispose();

    [Fact]
    public void Onnx_runtime_runs_a_model_with_external_weights_from_its_folder_and_gets_the_inline_models_output()
    {
        var model = TestModels.SmallCnn();
        var images = TestModels.RandomImages(new Random(3), 2);
        var path = directory.File("model.onnx");

        var written = OnnxModelFile.SaveWithExternalData(model, path, "model.weights", ConvolutionsOnly);

        Assert.Equal(2, written.Graph.Initializer.Count(ExternalData.IsExternal));
        Assert.True(new FileInfo(directory.File("model.weights")).Length > 0);
        var output = model.Graph.Output[0].Name;
        var expected = OrtRunner.Run(model, TestModels.InputName, images, TestModels.InputShape(2), output)[output].Values;
        var actual = OrtRunner.RunFile(path, TestModels.InputName, images, TestModels.InputShape(2), output)[output].Values;
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Loading_with_external_data_gives_back_every_weight_inline()
    {
        var model = TestModels.StoreWeightsAsRawData(TestModels.SmallCnn());
        var path = directory.File("model.onnx");
        OnnxModelFile.SaveWithExternalData(model, path, "model.weights", minimumBytes: 0);

        var loaded = OnnxModelFile.LoadWithExternalData(path);

        Assert.DoesNotContain(loaded.Graph.Initializer, ExternalData.IsExternal);
        Assert.Equal(model, loaded);
    }

    [Fact]
    public void Loading_without_external_data_keeps_the_references_and_reading_one_says_how_to_load_it()
    {
        var path = directory.File("model.onnx");
        OnnxModelFile.SaveWithExternalData(TestModels.SmallCnn(), path, "model.weights", ConvolutionsOnly);

        var reference = OnnxModelFile.Load(path).Graph.Initializer.First(ExternalData.IsExternal);

        var error = Assert.Throws<NotSupportedException>(() => OnnxTensor.ReadFloats(reference));
        Assert.Contains(nameof(OnnxModelFile.LoadWithExternalData), error.Message);
        Assert.Equal(["model.weights"], ExternalData.Locations(OnnxModelFile.Load(path)));
    }

    [Fact]
    public void A_retrained_head_changes_the_model_file_and_leaves_the_weights_file_byte_for_byte()
    {
        var model = TestModels.SmallCnn();
        var retrained = model.Clone();
        var head = retrained.Graph.Initializer.Single(t => t.Name == "gemm1.weight");
        for (var i = 0; i < head.FloatData.Count; i++) head.FloatData[i] += 0.5f;

        OnnxModelFile.SaveWithExternalData(model, directory.Combine("v1.onnx"), "v1.weights", ConvolutionsOnly);
        OnnxModelFile.SaveWithExternalData(retrained, directory.Combine("v2.onnx"), "v2.weights", ConvolutionsOnly);

        Assert.Equal(Sha256(directory.File("v1.weights")), Sha256(directory.File("v2.weights")));
        Assert.NotEqual(Sha256(directory.File("v1.onnx")), Sha256(directory.File("v2.onnx")));
    }

    [Fact]
    public void Writing_the_same_model_twice_gives_the_same_bytes_with_each_tensor_on_an_aligned_offset()
    {
        var first = OnnxModelFile.SaveWithExternalData(TestModels.SmallCnn(), directory.File("a.onnx"), "w.bin", minimumBytes: 0);
        var firstBytes = (File.ReadAllBytes(directory.File("a.onnx")), File.ReadAllBytes(directory.File("w.bin")));
        OnnxModelFile.SaveWithExternalData(TestModels.SmallCnn(), directory.File("a.onnx"), "w.bin", minimumBytes: 0);

        Assert.Equal(firstBytes.Item1, File.ReadAllBytes(directory.File("a.onnx")));
        Assert.Equal(firstBytes.Item2, File.ReadAllBytes(directory.File("w.bin")));
        var offsets = first.Graph.Initializer.Select(t => long.Parse(t.ExternalData.Single(e => e.Key == "offset").Value)).ToList();
        Assert.All(offsets, offset => Assert.Equal(0, offset % ExternalData.Alignment));
        Assert.Equal(offsets.Count, offsets.Distinct().Count());
    }

    [Fact]
    public void Nothing_large_enough_to_move_writes_no_data_file()
    {
        var written = OnnxModelFile.SaveWithExternalData(TestModels.SmallCnn(), directory.File("model.onnx"), "model.weights", minimumBytes: 1 << 20);

        Assert.DoesNotContain(written.Graph.Initializer, ExternalData.IsExternal);
        Assert.False(File.Exists(directory.File("model.weights")));
    }

    [Theory]
    [InlineData("../outside.weights")]
    [InlineData("sub/../../outside.weights")]
    [InlineData("/etc/passwd")]
    [InlineData("..\\outside.weights")]
    public void A_location_that_escapes_the_models_folder_is_refused_with_the_location_named(string location)
    {
        var path = WriteWithLocation(location);

        var error = Assert.Throws<OnnxFormatException>(() => OnnxModelFile.LoadWithExternalData(path));

        Assert.Contains($"'{location}'", error.Message);
        Assert.Contains("inside the model's folder", error.Message);
    }

    [Fact]
    public void A_data_file_name_with_a_folder_is_refused_when_writing()
    {
        Assert.Throws<ArgumentException>(() =>
            OnnxModelFile.SaveWithExternalData(TestModels.SmallCnn(), directory.File("model.onnx"), "../model.weights", 0));
    }

    [Fact]
    public void A_missing_data_file_or_a_range_past_its_end_is_an_onnx_format_error()
    {
        var path = directory.File("model.onnx");
        OnnxModelFile.SaveWithExternalData(TestModels.SmallCnn(), path, "model.weights", ConvolutionsOnly);
        var weights = File.ReadAllBytes(directory.File("model.weights"));
        File.WriteAllBytes(directory.File("model.weights"), weights[..(weights.Length - 1)]);

        var truncated = Assert.Throws<OnnxFormatException>(() => OnnxModelFile.LoadWithExternalData(path));
        Assert.Contains("model.weights", truncated.Message);

        File.Delete(directory.File("model.weights"));
        var missing = Assert.Throws<OnnxFormatException>(() => OnnxModelFile.LoadWithExternalData(path));
        Assert.Contains("does not exist", missing.Message);
    }

    private string WriteWithLocation(string location)
    {
        var path = directory.File("model.onnx");
        var model = OnnxModelFile.SaveWithExternalData(TestModels.SmallCnn(), path, "model.weights", ConvolutionsOnly);
        foreach (var entry in model.Graph.Initializer.SelectMany(t => t.ExternalData).Where(e => e.Key == "location"))
            entry.Value = location;
        OnnxModelFile.Save(model, path);
        return path;
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
