#pragma once
// Reading what a test's code under test wrote, independently of the code that
// wrote it: a whole text file, its lines, its TSV cells, the files of a
// folder.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace neuroseq_test {

// The file's bytes; "" when it cannot be read, which no expected text matches.
inline std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Newline characters: the line count of a file whose every line ends in one.
inline long count_lines(const std::filesystem::path& file) {
  const std::string text = read_text(file);
  return static_cast<long>(std::count(text.begin(), text.end(), '\n'));
}

struct TsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // [row][column], as written
};

// Splits at every tab, so an empty cell (even a last one) stays a cell.
inline std::vector<std::string> tsv_cells(const std::string& line) {
  std::vector<std::string> cells;
  size_t begin = 0;
  for (size_t tab = line.find('\t'); tab != std::string::npos; tab = line.find('\t', begin)) {
    cells.push_back(line.substr(begin, tab - begin));
    begin = tab + 1;
  }
  cells.push_back(line.substr(begin));
  return cells;
}

// The first line is the header; every further line is a row.
inline TsvTable read_tsv(const std::filesystem::path& file) {
  std::istringstream in(read_text(file));
  TsvTable table;
  std::string line;
  if (std::getline(in, line)) table.header = tsv_cells(line);
  while (std::getline(in, line))
    table.rows.push_back(tsv_cells(line));
  return table;
}

// The regular files directly in `folder` whose names end in `ending`, sorted.
inline std::vector<std::filesystem::path> files_ending(const std::filesystem::path& folder,
                                                       const std::string& ending) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.is_regular_file() && entry.path().filename().string().ends_with(ending))
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace neuroseq_test
