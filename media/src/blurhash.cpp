// The blurhash encoder (the algorithm of github.com/woltapp/blurhash, written from its
// description): a DC colour and AC cosine components of the image in linear light, quantised and
// written in base 83.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "guildhall/media/media.hpp"

namespace guildhall::media {

namespace {

constexpr std::string_view kBase83 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

void encode83(std::string& out, int value, int length) {
  for (int i = 1; i <= length; ++i) {
    int divisor = 1;
    for (int j = 0; j < length - i; ++j)
      divisor *= 83;
    out += kBase83[static_cast<std::size_t>((value / divisor) % 83)];
  }
}

double srgb_to_linear(int value) {
  const double v = value / 255.0;
  return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
}

int linear_to_srgb(double value) {
  const double v = std::clamp(value, 0.0, 1.0);
  if (v <= 0.0031308)
    return static_cast<int>(v * 12.92 * 255 + 0.5);
  return static_cast<int>((1.055 * std::pow(v, 1 / 2.4) - 0.055) * 255 + 0.5);
}

double sign_pow(double value, double exponent) {
  return std::copysign(std::pow(std::abs(value), exponent), value);
}

}  // namespace

std::string blurhash(const std::uint8_t* rgb, int width, int height, int x_components,
                     int y_components) {
  x_components = std::clamp(x_components, 1, 9);
  y_components = std::clamp(y_components, 1, 9);
  if (width <= 0 || height <= 0)
    return "";
  // Linear values once, not once per component.
  std::vector<double> linear(static_cast<std::size_t>(width) * height * 3);
  for (std::size_t i = 0; i < linear.size(); ++i)
    linear[i] = srgb_to_linear(rgb[i]);
  std::vector<double> factors;  // r, g, b per component, DC first
  for (int j = 0; j < y_components; ++j) {
    for (int i = 0; i < x_components; ++i) {
      const double normalisation = (i == 0 && j == 0) ? 1 : 2;
      double r = 0, g = 0, b = 0;
      for (int y = 0; y < height; ++y) {
        const double by = std::cos(std::numbers::pi * j * y / height);
        for (int x = 0; x < width; ++x) {
          const double basis = normalisation * std::cos(std::numbers::pi * i * x / width) * by;
          const std::size_t p = (static_cast<std::size_t>(y) * width + x) * 3;
          r += basis * linear[p];
          g += basis * linear[p + 1];
          b += basis * linear[p + 2];
        }
      }
      const double scale = 1.0 / (static_cast<double>(width) * height);
      factors.insert(factors.end(), {r * scale, g * scale, b * scale});
    }
  }
  std::string out;
  encode83(out, (x_components - 1) + (y_components - 1) * 9, 1);
  double max_value = 1;
  if (factors.size() > 3) {
    double actual_max = 0;
    for (std::size_t k = 3; k < factors.size(); ++k)
      actual_max = std::max(actual_max, std::abs(factors[k]));
    const int quantised = std::clamp(static_cast<int>(std::floor(actual_max * 166 - 0.5)), 0, 82);
    max_value = (quantised + 1) / 166.0;
    encode83(out, quantised, 1);
  } else {
    encode83(out, 0, 1);
  }
  encode83(out,
           (linear_to_srgb(factors[0]) << 16) + (linear_to_srgb(factors[1]) << 8) +
               linear_to_srgb(factors[2]),
           4);
  for (std::size_t k = 3; k < factors.size(); k += 3) {
    const auto quantise = [&](double v) {
      return std::clamp(static_cast<int>(std::floor(sign_pow(v / max_value, 0.5) * 9 + 9.5)), 0,
                        18);
    };
    encode83(
        out,
        quantise(factors[k]) * 19 * 19 + quantise(factors[k + 1]) * 19 + quantise(factors[k + 2]),
        2);
  }
  return out;
}

}  // namespace guildhall::media
