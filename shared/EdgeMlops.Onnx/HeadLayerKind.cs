namespace EdgeMlops.Onnx;

/// <summary>How the final layer of a classifier is expressed in its ONNX graph.</summary>
public enum HeadLayerKind
{
    /// <summary>One Gemm node (what PyTorch exports for nn.Linear on 2-D input).</summary>
    Gemm,

    /// <summary>A MatMul by a weight initializer followed by an Add of a bias initializer (TensorFlow/Keras style).</summary>
    MatMulAdd,
}
