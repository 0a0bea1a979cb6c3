namespace GpuPRelu.Data;

/// <summary>Which MNIST images a data set holds: the reference's split of the 60000-image training file (the first
/// 50000 for training, the last 10000 for testing, as the classic mnist.pkl.gz), or the official 10000-image test file.</summary>
public enum MnistSplit
{
    /// <summary>Images 0..49999 of the training file.</summary>
    Train,

    /// <summary>Images 50000..59999 of the training file: the reference's test set.</summary>
    Valid,

    /// <summary>The 10000 images of the t10k files.</summary>
    OfficialTest,
}
