using GpuPRelu.Data;
using GpuPRelu.IO;
using GpuPRelu.Tests.IO;
using Xunit;

namespace GpuPRelu.Tests.Engine;

public sealed class MnistDataTests : IDisposable
{
    readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("mnist-tests-");

    public void Dispose() => _dir.Delete(recursive: true);

    // The first labels of the two files, as printed in countless tutorials.
    static readonly int[] FirstTrainLabels = [5, 0, 4, 1, 9, 2, 1, 3, 1, 4];
    static readonly int[] FirstTestLabels = [7, 2, 1, 0, 4, 1, 4, 9, 5, 9];

    [Fact]
    public void Train_FirstImagesAndDigits()
    {
        var data = MnistData.Load(MnistData.Locate(), MnistSplit.Train, classes: 10, count: 10);

        Assert.Equal((10, 784, 10), (data.Samples, data.Inputs, data.Classes));
        Assert.Equal(FirstTrainLabels, data.Y);
        Assert.Equal(1f, data.X.Max()); // 255 / 255
        Assert.Equal(0f, data.X.Min());
        ExpectPixels(data, "train-images-idx3-ubyte.gz", firstRow: 0);
    }

    [Fact]
    public void OfficialTest_ParityLabels()
    {
        var data = MnistData.Load(MnistData.Locate(), MnistSplit.OfficialTest, classes: 2);

        Assert.Equal(10000, data.Samples);
        Assert.Equal(FirstTestLabels.Select(y => y % 2), data.Y.Take(10));
        ExpectPixels(data, "t10k-images-idx3-ubyte.gz", firstRow: 0);
    }

    [Fact]
    public void Valid_IsTheLast10000OfTheTrainingFile()
    {
        var folder = MnistData.Locate();
        var data = MnistData.Load(folder, MnistSplit.Valid, classes: 3, count: 25, pixelDivisor: 256);

        var raw = IdxFiles.Gunzip(Path.Combine(folder, "train-labels-idx1-ubyte.gz"));
        Assert.Equal(raw.Skip(8 + 50000).Take(25).Select(y => y % 3), data.Y);
        ExpectPixels(data, "train-images-idx3-ubyte.gz", firstRow: 50000, divisor: 256);
        Assert.Equal(10000, MnistData.SplitRows(MnistSplit.Valid));
    }

    /// <summary>Pixels against the raw file: byte 16 + row·784 + d, divided by the divisor.</summary>
    static void ExpectPixels(DataSet data, string file, int firstRow, double divisor = 255)
    {
        var raw = IdxFiles.Gunzip(Path.Combine(MnistData.Locate(), file));
        for (int i = 0; i < data.Samples; i++)
        {
            for (int d = 0; d < 784; d++)
                Assert.Equal((float)(raw[16 + (firstRow + i) * 784 + d] / divisor), data.X[i * 784 + d]);
        }
    }

    void WriteSet(string images, int imageCount, string labels, byte[] labelValues)
    {
        var pixels = new byte[imageCount * 4];
        new System.Random(3).NextBytes(pixels);
        IdxFiles.Write(Path.Combine(_dir.FullName, images), IdxFiles.Bytes(IdxReader.ImagesMagic, [imageCount, 2, 2], pixels), gzip: true);
        IdxFiles.Write(Path.Combine(_dir.FullName, labels), IdxFiles.Bytes(IdxReader.LabelsMagic, [labelValues.Length], labelValues), gzip: false);
    }

    [Fact]
    public void RefusesImageAndLabelCountMismatch()
    {
        WriteSet("t10k-images-idx3-ubyte.gz", 3, "t10k-labels-idx1-ubyte", [1, 2, 3, 4]);

        var ex = Assert.Throws<InvalidDataException>(() => MnistData.Load(_dir.FullName, MnistSplit.OfficialTest, 10));

        Assert.Contains("holds 3 images but", ex.Message, StringComparison.Ordinal);
        Assert.Contains("t10k-labels-idx1-ubyte holds 4 labels", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesLabelAboveNine()
    {
        WriteSet("t10k-images-idx3-ubyte.gz", 3, "t10k-labels-idx1-ubyte", [1, 12, 3]);

        var ex = Assert.Throws<InvalidDataException>(() => MnistData.Load(_dir.FullName, MnistSplit.OfficialTest, 10));

        Assert.Contains("label 12 of image 1 is not a digit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesShortTrainingFile()
    {
        WriteSet("train-images-idx3-ubyte.gz", 3, "train-labels-idx1-ubyte.gz", [1, 2, 3]);

        var ex = Assert.Throws<InvalidDataException>(() => MnistData.Load(_dir.FullName, MnistSplit.Train, 2));

        Assert.Contains("holds 3 images; the train/valid split needs the 60000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesBadArgumentsAndMissingFolder()
    {
        var folder = MnistData.Locate();
        Assert.Throws<ArgumentOutOfRangeException>(() => MnistData.Load(folder, MnistSplit.Valid, 10, count: 10001));
        Assert.Throws<ArgumentOutOfRangeException>(() => MnistData.Load(folder, MnistSplit.Train, 11));
        Assert.Throws<FormatException>(() => MnistData.ParseSplit("test"));
        Assert.Equal(MnistSplit.OfficialTest, MnistData.ParseSplit("official-test"));
        var ex = Assert.Throws<FileNotFoundException>(() => MnistData.Locate(_dir.FullName));
        Assert.Contains(_dir.FullName, ex.Message, StringComparison.Ordinal);
        Assert.Contains("--data-dir", ex.Message, StringComparison.Ordinal);
    }
}
