#include "neuro/image/gzip_file.h"

#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

namespace neuro {

namespace {

std::vector<uint8_t> read_raw(const std::filesystem::path& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw std::runtime_error(path.string() + ": cannot open the file");
  std::vector<uint8_t> bytes;
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec) bytes.reserve(static_cast<size_t>(size));
  uint8_t buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0) {
    bytes.insert(bytes.end(), buffer, buffer + n);
  }
  if (std::ferror(file.get())) throw std::runtime_error(path.string() + ": read error");
  return bytes;
}

bool has_gzip_magic(const std::vector<uint8_t>& bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

// The gzip trailer stores the uncompressed size modulo 2^32 of the last
// member: a good first guess for the output buffer, grown when wrong. It is
// trusted only as far as deflate can expand (about 1032:1), and is not
// padded: every byte of this buffer is zero-filled before it is written.
size_t size_hint(const std::vector<uint8_t>& compressed) {
  const size_t n = compressed.size();
  const uint32_t isize = static_cast<uint32_t>(compressed[n - 4]) |
                         static_cast<uint32_t>(compressed[n - 3]) << 8 |
                         static_cast<uint32_t>(compressed[n - 2]) << 16 |
                         static_cast<uint32_t>(compressed[n - 1]) << 24;
  return std::clamp<size_t>(isize, n, n * 1032);
}

std::vector<uint8_t> gunzip(const std::vector<uint8_t>& compressed,
                            const std::filesystem::path& path) {
  if (compressed.size() < 18) {
    throw std::runtime_error(path.string() + ": truncated gzip file");
  }
  std::unique_ptr<libdeflate_decompressor, void (*)(libdeflate_decompressor*)> d(
      libdeflate_alloc_decompressor(), &libdeflate_free_decompressor);
  std::vector<uint8_t> out(size_hint(compressed));
  size_t in_pos = 0, out_pos = 0;
  while (in_pos < compressed.size()) {
    // Padding zeros after the last member are tolerated, as gzip does.
    if (compressed[in_pos] == 0) break;
    size_t in_used = 0, out_written = 0;
    const auto result = libdeflate_gzip_decompress_ex(
        d.get(), compressed.data() + in_pos, compressed.size() - in_pos, out.data() + out_pos,
        out.size() - out_pos, &in_used, &out_written);
    if (result == LIBDEFLATE_INSUFFICIENT_SPACE) {
      out.resize(out.size() * 2);
      continue;
    }
    if (result != LIBDEFLATE_SUCCESS) {
      throw std::runtime_error(path.string() + ": truncated or corrupt gzip data");
    }
    in_pos += in_used;
    out_pos += out_written;
  }
  out.resize(out_pos);
  return out;
}

}  // namespace

bool is_gzip_file(const std::filesystem::path& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) return false;
  uint8_t magic[2] = {0, 0};
  return std::fread(magic, 1, 2, file.get()) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

std::vector<uint8_t> read_file_prefix(const std::filesystem::path& path, size_t max_bytes) {
  if (!std::filesystem::exists(path)) {
    throw std::runtime_error(path.string() + ": no such file");
  }
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file) throw std::runtime_error(path.string() + ": cannot open the file");
  std::vector<uint8_t> bytes(max_bytes);
  const int n = gzread(file, bytes.data(), static_cast<unsigned>(max_bytes));
  int errnum = 0;
  const char* message = gzerror(file, &errnum);
  const std::string error = message ? message : "";
  gzclose(file);
  if (n < 0) throw std::runtime_error(path.string() + ": corrupt gzip data (" + error + ")");
  bytes.resize(static_cast<size_t>(n));
  return bytes;
}

std::vector<uint8_t> read_whole_file(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) {
    throw std::runtime_error(path.string() + ": no such file");
  }
  auto bytes = read_raw(path);
  if (has_gzip_magic(bytes)) return gunzip(bytes, path);
  return bytes;
}

}  // namespace neuro
